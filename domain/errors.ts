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

/**
 * Every error class states its name, the same as the class's own (tests/unit/error-names.test.ts checks
 * each): the minified Lambda bundles rename classes, so a name read from the class at run time would not
 * be the one a Retry or Catch matches.
 */
export abstract class RapportError extends Error {
  abstract override readonly name: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that can never succeed as given: callers must not retry it unchanged. */
export class ValidationError extends RapportError {
  override readonly name: string = 'ValidationError';
  readonly problems: readonly Problem[];
  constructor(what: string, problems: readonly Problem[], options?: { cause?: unknown }) {
    super(
      `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`,
      options,
    );
    this.problems = problems;
  }
}

export class ConfigValidationError extends ValidationError {
  override readonly name: string = 'ConfigValidationError';
}

/**
 * The same error with every given value replaced: for errors that leave the handler (and so reach the
 * Lambda runtime's own log line, which no redaction sees) after the full one was logged redacted.
 */
export function withoutValues<E extends ValidationError>(error: E): E {
  const Ctor = error.constructor as new (what: string, problems: readonly Problem[], o?: object) => E;
  const what = error.message.split(':')[0] ?? error.name;
  const copy = new Ctor(
    what,
    error.problems.map((p) => ({ ...p, ...(p.value === undefined ? {} : { value: '[redacted]' }) })),
  );
  // The runtime logs the message whole: it lists a bounded number of problems, however many there are.
  copy.message = summarize(copy);
  return copy;
}
export class InvalidEventError extends ValidationError {
  override readonly name: string = 'InvalidEventError';
}
export class InvalidTaskInputError extends ValidationError {
  override readonly name: string = 'InvalidTaskInputError';
}

export class ProfileNotFoundError extends RapportError {
  override readonly name: string = 'ProfileNotFoundError';
}
/** The provider refused because the recipient opted out there (an SMS number on the opt-out list). */
export class RecipientOptedOutError extends RapportError {
  override readonly name: string = 'RecipientOptedOutError';
}
export class TemplateNotFoundError extends RapportError {
  override readonly name: string = 'TemplateNotFoundError';
}
/**
 * Optimistic-concurrency conflict: someone else changed the item first. Safe to retry after re-reading;
 * a journey step that still loses after its own attempts throws it, and Step Functions retries the step.
 */
export class VersionConflictError extends RapportError {
  override readonly name: string = 'VersionConflictError';
}

/**
 * The provider refused for now (throttling): nothing was sent, and Step Functions retries the step; once
 * that Retry is spent, the send's Catch defers it through the quiet-hours loop (domain/messages/throttle.ts).
 */
export class MessageThrottledError extends RapportError {
  override readonly name: string = 'MessageThrottledError';
}

/**
 * The provider kept refusing for longer than a send waits (domain/messages/throttle.ts): not retried; the
 * send's failure is recorded and the journey goes on. A person must raise the account's sending quota.
 */
export class ThrottledTooLongError extends RapportError {
  override readonly name: string = 'ThrottledTooLongError';
}

/** Two sends kept racing for the same customer's frequency-cap record: Step Functions retries the step. */
export class PacingContentionError extends RapportError {
  override readonly name: string = 'PacingContentionError';
}

/**
 * The store kept handing back part of a batch (DynamoDB throttling a partition): nothing is lost, the
 * caller fails and tries again later. Step Functions retries the step, as for any throttle.
 */
export class UnprocessedItemsError extends RapportError {
  override readonly name: string = 'UnprocessedItemsError';
}

/**
 * Not a failure: quiet hours or a marketing pause hold the send back until `until`, and the message record
 * says so (status `deferred`). The send-message task raises it for a compiled journey, whose Catch on this
 * name leads to the wait and the same send again; the ordinary outcome then needs no Choice after the
 * send, which would cost one billed state transition on every send. Never retried.
 */
export class SendDeferredError extends RapportError {
  override readonly name: string = 'SendDeferredError';
  constructor(
    readonly reason: string,
    readonly until: string,
    options?: { cause?: unknown },
  ) {
    // Read by people in the Lambda log and the execution history: the reason and the time, no personal data.
    super(`the send is deferred (${reason}) until ${until}`, options);
  }
}

/**
 * The Rapport errors a journey's Task may raise that are worth trying again: Step Functions retries the
 * step. Every Retry of a compiled journey is built from this list (domain/journey/compile/retry.ts), so
 * an error documented as retried cannot be left out. Names are what Retry matches on: each class states
 * its own; the compiler reads them from the classes at synth time, unminified.
 */
export const RETRIED_ERROR_CLASSES = [
  VersionConflictError,
  MessageThrottledError,
  PacingContentionError,
  UnprocessedItemsError,
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

/** An error's class name for records and metrics: never its message, which may quote personal data. */
export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}

export function formatProblem(p: Problem): string {
  const where = [p.source, p.line, p.column].filter((x) => x !== undefined).join(':');
  const field = p.field === '' ? '(whole input)' : p.field;
  const given = p.value === undefined ? 'nothing was given' : `got ${describeValue(p.value)}`;
  return `${where ? `${where} ` : ''}${field}: ${given}; expected ${p.expected}`;
}

/** How many problems an answer or a log line lists; the rest are counted ("and 32,980 more problems"). */
export const MAX_PROBLEMS_LISTED = 20;

/** The first `limit` problems, then one that counts the others: an answer stays small whatever the input. */
export function capProblems(problems: readonly Problem[], limit = MAX_PROBLEMS_LISTED): Problem[] {
  if (problems.length <= limit) return [...problems];
  const more = problems.length - limit;
  return [
    ...problems.slice(0, limit),
    { field: '', expected: `and ${more} more problem${more === 1 ? '' : 's'} (fix the ones above first)` },
  ];
}

export function formatProblems(problems: readonly Problem[], limit = Infinity): string {
  const lines = problems.slice(0, limit).map((p) => `  - ${formatProblem(p)}`);
  const more = problems.length - lines.length;
  if (more > 0) lines.push(`  - and ${more} more problem${more === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** The message of a ValidationError listing at most `limit` of its problems. */
export function summarize(error: ValidationError, limit = MAX_PROBLEMS_LISTED): string {
  const what = error.message.split('\n')[0] ?? error.name;
  return `${what}\n${formatProblems(error.problems, limit)}`;
}

/** A short, safe rendering of any value: never long, never throws (a value may be nested 10,000 deep). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}';
  }
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** A value as an answer may quote it: as it is when short, else shortened (text) or described (the rest). */
export function previewValue(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 80) return `${value.slice(0, 77)}...`;
  if (value === null || typeof value !== 'object') return value;
  const described = describeValue(value);
  return described.length < 80 && !described.endsWith('…}') && !described.endsWith('…]') ? value : described;
}

/** Renders a path as it reads in YAML/JSON documentation: `steps[1].duration`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

/**
 * A channel's send window (quiet hours, open hours, closed days) has no open instant within the search
 * bound: the settings never let the message out. Not retried; the send is recorded as failed.
 */
export class NeverOpenError extends RapportError {
  override readonly name: string = 'NeverOpenError';
}
