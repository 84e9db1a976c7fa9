/**
 * Error classes shared by the domain, the handlers and the compiled state machines.
 * Their `name` is what ASL `Retry`/`Catch` blocks match on, so renaming one is a breaking change.
 */

/** One thing wrong with an input, precise enough for a person to fix it without reading code. */
export interface Problem {
  /** Where the input came from: a file path, `request body`, an event id… */
  source?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  /** Dotted/bracketed path of the offending field, e.g. `steps[1].duration`. Empty for the whole input. */
  field: string;
  /** The value that was given (undefined when the field is missing). */
  value?: unknown;
  /** What was expected instead, phrased so that it tells how to fix it. */
  expected: string;
}

export abstract class RapportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed as given: callers must not retry it unchanged. */
export class ValidationError extends RapportError {
  readonly problems: readonly Problem[];
  constructor(what: string, problems: readonly Problem[], options?: { cause?: unknown }) {
    super(
      `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`,
      options,
    );
    this.problems = problems;
  }
}

export class ConfigValidationError extends ValidationError {}

/**
 * The same error with every given value replaced: for errors that leave the handler (and so reach the
 * Lambda runtime's own log line, which no redaction sees) after the full one was logged redacted.
 */
export function withoutValues<E extends ValidationError>(error: E): E {
  const Ctor = error.constructor as new (what: string, problems: readonly Problem[], o?: object) => E;
  const what = error.message.split(':')[0] ?? error.name;
  return new Ctor(
    what,
    error.problems.map((p) => ({ ...p, ...(p.value === undefined ? {} : { value: '[redacted]' }) })),
  );
}
export class InvalidEventError extends ValidationError {}
export class InvalidTaskInputError extends ValidationError {}

export class ProfileNotFoundError extends RapportError {}
/** The provider refused because the recipient opted out there (an SMS number on the opt-out list). */
export class RecipientOptedOutError extends RapportError {}
export class TemplateNotFoundError extends RapportError {}
/**
 * Optimistic-concurrency conflict: someone else changed the item first. Safe to retry after re-reading;
 * a journey step that still loses after its own attempts throws it, and Step Functions retries the step.
 */
export class VersionConflictError extends RapportError {}

/** The provider refused for now (throttling): nothing was sent, and Step Functions retries the step. */
export class MessageThrottledError extends RapportError {}

/** Two sends kept racing for the same customer's frequency-cap record: Step Functions retries the step. */
export class PacingContentionError extends RapportError {}

/**
 * The Rapport errors a journey's Task may raise that are worth trying again: Step Functions retries the
 * step. Every Retry of a compiled journey is built from this list (domain/journey/compile/retry.ts), so
 * an error documented as retried cannot be left out. Class names are what Retry matches on: the Lambda
 * bundles keep them (esbuild `keepNames`).
 */
export const RETRIED_ERROR_CLASSES = [
  VersionConflictError,
  MessageThrottledError,
  PacingContentionError,
] as const;

/** Errors of the Lambda service itself that AWS recommends retrying, and a Task's own timeout. */
export const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
] as const;

/** The one list every Retry of a Task on a Rapport Lambda is built from. */
export const RETRIED_ERRORS: readonly string[] = [
  ...TRANSIENT_LAMBDA_ERRORS,
  ...RETRIED_ERROR_CLASSES.map((c) => c.name),
];

export function formatProblem(p: Problem): string {
  const where = [p.source, p.line, p.column].filter((x) => x !== undefined).join(':');
  const field = p.field === '' ? '(whole input)' : p.field;
  const given = p.value === undefined ? 'nothing was given' : `got ${describeValue(p.value)}`;
  return `${where ? `${where} ` : ''}${field}: ${given}; expected ${p.expected}`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${formatProblem(p)}`).join('\n');
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Renders a path as it reads in YAML/JSON documentation: `steps[1].duration`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}
