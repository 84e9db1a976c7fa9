import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import type { Scale } from '../domain/config/scale';
import {
  checkAlarmChat,
  checkAlarmEmails,
  checkAlarmSettings,
  type AlarmChatSetting,
  type AlarmSettings,
} from './alarm-settings';
import {
  checkPublicBaseUrl,
  checkScale,
  checkSweepEvery,
  DEFAULT_SWEEP_EVERY_MINUTES,
  emailDomain,
  InvalidSettingError,
} from './names';
import { STAGE_NAME, STAGE_NAME_RULE } from './stage';
import { checkOriginationIdentity } from './sms-identity';

/** Every deployment setting, checked: what buildApp gives the stack. */
export interface DeploymentSettings {
  /** `-c stage=<name>`: prefixes the stack id and every physical name (stage.ts); none keeps today's names. */
  stage: string | undefined;
  senderAddress: string;
  publicBaseUrl: string | undefined;
  workflowsDir: string | undefined;
  sweepEvery: number;
  scale: Scale;
  alarms: AlarmSettings;
  alarmEmails: string[];
  alarmChat: AlarmChatSetting | undefined;
  smsOriginationIdentity: string | undefined;
  tableName: string | undefined;
  linkSigningSecretArn: string | undefined;
  account: string | undefined;
  region: string | undefined;
  terminationProtection: boolean;
}

type Check<T> = (value: unknown, setting: string) => T;

/** A setting checked by a zod schema; `expected` says what it takes, as the error message puts it. */
function matching<T>(schema: z.ZodType<T>, expected: string): Check<T> {
  return (value, setting) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new InvalidSettingError(`context ${setting}: got ${JSON.stringify(value)}; expected ${expected}`);
    return parsed.data;
  };
}

const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value, setting) =>
    value === undefined ? undefined : check(value, setting);

// RFC 2606 and RFC 6761 names: no one can verify them in SES, so every send from them fails.
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

/**
 * The From address of every email: required, and on a domain that can be verified in SES. A deploy with
 * a placeholder succeeds and every send then fails, so it is refused here, by the setting's name.
 */
export function checkSenderAddress(value: unknown, setting: string): string {
  const fix =
    'the From address of every email on an identity verified in SES, such as "Brand <no-reply@mail.yourbrand.com>" ' +
    `(cdk.json context ${setting}, or -c senderAddress=...)`;
  if (value === undefined) throw new InvalidSettingError(`context ${setting}: missing; expected ${fix}`);
  if (typeof value !== 'string')
    throw new InvalidSettingError(`context ${setting}: got ${JSON.stringify(value)}; expected ${fix}`);
  const { domain } = emailDomain(value, setting);
  if (RESERVED_DOMAIN.test(domain))
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(value)}, on ${domain}, a domain reserved for examples that SES ` +
        `can never verify (every send would fail); expected ${fix}`,
    );
  return value;
}

const TRUE_OR_FALSE = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

/** Each setting a stage entry may hold, with its check. Top-level context and -c take the same ones. */
const CHECKS = {
  senderAddress: checkSenderAddress,
  publicBaseUrl: optional((v, s) => checkPublicBaseUrl(matching(z.string(), 'an https URL')(v, s), s)),
  workflowsDir: optional(matching(z.string().min(1), 'a directory of workflows')),
  sweepEvery: (v, s) => checkSweepEvery(v ?? DEFAULT_SWEEP_EVERY_MINUTES, s),
  scale: checkScale,
  alarms: checkAlarmSettings,
  alarmEmails: checkAlarmEmails,
  alarmChat: checkAlarmChat,
  smsOriginationIdentity: optional(checkOriginationIdentity),
  tableName: optional(
    matching(
      z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/),
      'the name of an existing DynamoDB table to use instead of creating one (the TableName output of an earlier deployment)',
    ),
  ),
  linkSigningSecretArn: optional(
    matching(
      z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+-[A-Za-z0-9]{6}$/),
      'the complete ARN (ending in -XXXXXX) of an existing secret to use instead of creating one ' +
        '(the LinkSigningSecretArn output of an earlier deployment)',
    ),
  ),
  account: optional(matching(z.string().regex(/^\d{12}$/), 'a 12-digit AWS account id')),
  region: optional(
    matching(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/), 'an AWS region such as "eu-west-1"'),
  ),
  terminationProtection: optional(matching(TRUE_OR_FALSE, 'true or false')),
} satisfies Record<string, Check<unknown>>;

type Key = keyof typeof CHECKS;
const KEYS = Object.keys(CHECKS) as Key[];

/** A stage entry: any of the settings, nothing else. */
const StageEntry = z.strictObject(
  Object.fromEntries(KEYS.map((k) => [k, z.unknown().optional()])) as Record<
    Key,
    z.ZodOptional<z.ZodUnknown>
  >,
);

/** Where settings come from: the app's context, and what cdk.json's context says (when known). */
export interface SettingSources {
  /** A context value, as the app sees it: cdk.json's context overridden by `-c`. */
  context(key: string): unknown;
  /**
   * cdk.json's own context. A value the app sees that differs from it came from `-c` (or ~/.cdk.json) and
   * overrides the stage's; one equal to it is cdk.json's top level, which the stage's overrides. Without it,
   * every context value counts as given on the command line.
   */
  projectContext?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Every deployment setting, checked, with every problem found reported at once (InvalidSettingError).
 * Precedence: `-c key=...` > `stages.<stage>.key` in cdk.json > top-level `key` in cdk.json > default.
 */
export function readSettings(sources: SettingSources): DeploymentSettings {
  const problems: string[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof InvalidSettingError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const given = (key: string): unknown => {
    const value = sources.context(key);
    return value === null || value === '' ? undefined : value;
  };
  const stage = attempt(() => readStage(given('stage'), given('stages')));
  const checked = {} as { [K in Key]: ReturnType<(typeof CHECKS)[K]> };
  for (const key of KEYS) {
    const value = given(key);
    const fromCommandLine =
      value !== undefined &&
      (sources.projectContext === undefined || !isDeepStrictEqual(value, sources.projectContext[key]));
    const fromStage = stage?.entry[key];
    const [v, setting] =
      !fromCommandLine && fromStage !== undefined
        ? [fromStage, `stages.${stage!.name}.${key}`]
        : [value, key];
    // Each check returns its own setting's type; the record ties them together.
    (checked as Record<Key, unknown>)[key] = attempt(() => CHECKS[key](v, setting));
  }
  if (problems.length > 0) throw InvalidSettingError.of(problems);
  return {
    ...checked,
    stage: stage?.name,
    terminationProtection: checked.terminationProtection ?? stage?.name === 'prod',
  };
}

/** The stage asked for (`-c stage=<name>`) and its entry in context `stages`, or undefined for none. */
function readStage(
  stage: unknown,
  stages: unknown,
): { name: string; entry: Partial<Record<Key, unknown>> } | undefined {
  if (stage === undefined) return undefined;
  if (typeof stage !== 'string' || !STAGE_NAME.test(stage))
    throw new InvalidSettingError(
      `context stage: got ${JSON.stringify(stage)}; expected ${STAGE_NAME_RULE}, such as -c stage=dev`,
    );
  const known = stages !== null && typeof stages === 'object' ? (stages as Record<string, unknown>) : {};
  const entry = known[stage];
  if (entry === undefined) {
    const names = Object.keys(known);
    throw new InvalidSettingError(
      `context stage: got "${stage}", which cdk.json does not define; expected one of the stages in ` +
        `cdk.json context "stages" (${names.length ? names.join(', ') : 'none yet'}): add "${stage}": { ... } there`,
    );
  }
  const parsed = StageEntry.safeParse(entry);
  if (!parsed.success) {
    throw InvalidSettingError.of(
      parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `context stages.${stage}: got the unknown setting ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; ` +
            `expected any of ${KEYS.join(', ')}`
          : `context stages.${stage}: got ${JSON.stringify(entry)}; expected an object of settings such as ` +
            '{ "senderAddress": "Brand <no-reply@mail.yourbrand.com>" }',
      ),
    );
  }
  return { name: stage, entry: parsed.data };
}
