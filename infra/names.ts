import * as z from 'zod';
import * as mini from '../domain/zod';
import { DEFAULT_SCALE, Scale } from '../domain/config/scale';

/**
 * Deployment settings (CDK context) that cannot work as given: each problem names the setting, says what it
 * got, what it expects and how to fix it.
 */
export class InvalidSettingError extends Error {
  readonly problems: readonly string[];

  constructor(message: string, options?: { cause?: unknown; problems?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InvalidSettingError';
    this.problems = options?.problems ?? [message];
  }

  /** Every problem found, in one error. */
  static of(problems: readonly string[]): InvalidSettingError {
    return new InvalidSettingError(problems.join('\n'), { problems });
  }
}

/** `first-small-purchase` → `FirstSmallPurchase`: for construct ids and output names. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The bare address and domain of `no-reply@example.com` or `Brand <no-reply@example.com>`; `setting` is
 * where it was given, for the error (`senderAddress`, `stages.prod.senderAddress`).
 */
export function emailDomain(sender: string, setting = 'senderAddress'): { address: string; domain: string } {
  const address = (/<([^<>]+)>\s*$/.exec(sender)?.[1] ?? sender).trim();
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1 || /\s/.test(address)) {
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(sender)}; expected an email address such as ` +
        '"no-reply@mail.yourbrand.com" or "Brand <no-reply@mail.yourbrand.com>" (cdk synth -c senderAddress=...)',
    );
  }
  return { address, domain: address.slice(at + 1) };
}

/** Checks context publicBaseUrl: an https URL, the base that `/unsubscribe` is appended to. */
export function checkPublicBaseUrl(value: string, setting = 'publicBaseUrl'): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash) {
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(value)}; expected an https URL without query or fragment, ` +
        'such as "https://mail.example.com" (links in emails become <publicBaseUrl>/unsubscribe?token=...)',
    );
  }
  return value;
}

/** How often the sweep runs by default, in minutes (context sweepEvery). */
export const DEFAULT_SWEEP_EVERY_MINUTES = 60;
/** At most daily: inactivity thresholds are counted in days, and Scheduler keeps an event at most 24 hours. */
export const MAX_SWEEP_EVERY_MINUTES = 24 * 60;

/**
 * Checks context sweepEvery: whole minutes between two sweeps, from 1 to 1440. `-c sweepEvery=15` arrives
 * as the string "15", `"sweepEvery": 15` in cdk.json as a number; both are accepted.
 */
export function checkSweepEvery(value: unknown, setting = 'sweepEvery'): number {
  const minutes =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SWEEP_EVERY_MINUTES) {
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(value)}; expected whole minutes between sweeps, ` +
        `from 1 to ${MAX_SWEEP_EVERY_MINUTES} (default ${DEFAULT_SWEEP_EVERY_MINUTES}), such as ` +
        '"cdk deploy -c sweepEvery=15"',
    );
  }
  return minutes;
}

/**
 * Checks context scale: an object of any of Scale's fields (the others take DEFAULT_SCALE's), from cdk.json,
 * or as JSON text from `-c scale={"dueShards":128}`. Each wrong field is named, with what it expects.
 */
export function checkScale(value: unknown, setting = 'scale'): Scale {
  return checkPartialSetting(setting, mini.partial(Scale), DEFAULT_SCALE, value, '{"dueShards":128}');
}

/**
 * Checks a context setting that is an object of some of a schema's fields (the others take `defaults`'),
 * from cdk.json, or as JSON text from `-c key={...}`. Each wrong field is named, with what it expects;
 * `example` is an object the setting would accept.
 */
export function checkPartialSetting<T extends object>(
  key: string,
  partial: z.core.$ZodType<Partial<T>>,
  defaults: T,
  value: unknown,
  example: string,
): T {
  if (value === undefined) return defaults;
  let given: unknown = value;
  if (typeof value === 'string') {
    try {
      given = JSON.parse(value) as unknown;
    } catch {
      given = value;
    }
  }
  const parsed = z.safeParse(partial, given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `context ${key}: got the unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      if (issue.path.length === 0)
        return `context ${key}: got ${JSON.stringify(given)}; expected an object such as ${example}`;
      const got = (given as Record<PropertyKey, unknown>)[issue.path[0]!];
      const expected = issue.message.replace(/^expected: /, '');
      return `context ${key}.${issue.path.join('.')}: got ${JSON.stringify(got)}; expected ${expected}`;
    });
    throw new InvalidSettingError(
      `${problems.join('\n')}\n(${key} has the fields ${Object.keys(defaults).join(', ')}; any left out take their default)`,
    );
  }
  const setting: T = { ...defaults };
  for (const [k, v] of Object.entries(parsed.data))
    if (v !== undefined) (setting as Record<string, unknown>)[k] = v;
  return setting;
}
