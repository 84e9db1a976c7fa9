import * as z from 'zod';
import { expect } from '../domain/config/problems';
import { CHAT_FORMATS, type ChatFormat } from '../functions/alarm-chat/chat-format';
import { checkPartialSetting, InvalidSettingError } from './names';

const rate = (text: string) =>
  z
    .number(expect(text))
    .gt(0, expect(`${text}, above 0`))
    .lte(1, expect(`${text}, at most 1`));
const positive = (text: string) => z.number(expect(text)).positive(expect(`${text}, above 0`));
const whole = (text: string) =>
  z
    .number(expect(text))
    .int(expect(text))
    .positive(expect(`${text}, above 0`));

/**
 * The thresholds of the alarms (context `alarms`, any of the fields; README "Runbook: alarms" says what
 * each alarm watches). Rates are fractions (0.05 is 5%), counts are per 5-minute period unless named.
 */
export const AlarmSettings = z.strictObject({
  /** A function's errors / invocations in 5 minutes (with at least one error). */
  lambdaErrorRate: rate('a fraction of invocations, e.g. 0.05'),
  /** A function's throttles / (invocations + throttles), in each of 3 consecutive 5-minute periods. */
  lambdaThrottleRate: rate('a fraction of invocations, e.g. 0.1'),
  /** A journey's failed executions in 5 minutes (none is expected: a journey never fails by design). */
  journeyFailed: whole('executions in 5 minutes, e.g. 1'),
  /** A journey's timed-out executions in 5 minutes. */
  journeyTimedOut: whole('executions in 5 minutes, e.g. 1'),
  /** A journey's throttled state transitions in 5 minutes. */
  journeyThrottled: whole('throttled transitions in 5 minutes, e.g. 1'),
  /** Read + write throttle events of the table, and of the due index, in 5 minutes. */
  tableThrottleEvents: whole('throttle events in 5 minutes, e.g. 10'),
  /** DynamoDB system errors (HTTP 500) on the operations the functions make, in 5 minutes. */
  tableSystemErrors: whole('system errors in 5 minutes, e.g. 5'),
  /** The HTTP API's 5xx / requests in 5 minutes, once it had apiMinRequests. */
  apiServerErrorRate: rate('a fraction of requests, e.g. 0.05'),
  /** Requests in 5 minutes below which the 5xx rate is not judged (one error in three is not a trend). */
  apiMinRequests: whole('requests in 5 minutes, e.g. 20'),
  /** The HTTP API's p99 latency, in milliseconds, in each of 3 consecutive 5-minute periods. */
  apiLatencyP99Ms: positive('milliseconds, e.g. 2000'),
  /** Hours the oldest message of a dead-letter queue may wait (they are deleted after 14 days). */
  deadLetterAgeHours: positive('hours, e.g. 48').max(14 * 24, expect('at most 336 (14 days)')),
  /** SES account bounce rate: warning, then critical (SES reviews an account at 5%). */
  sesBounceRateWarning: rate('a fraction of emails, e.g. 0.02'),
  sesBounceRateCritical: rate('a fraction of emails, e.g. 0.04'),
  /** SES account complaint rate: warning, then critical (SES reviews an account at 0.1%). */
  sesComplaintRateWarning: rate('a fraction of emails, e.g. 0.0005'),
  sesComplaintRateCritical: rate('a fraction of emails, e.g. 0.0008'),
  /** The account's monthly SMS spend limit in US dollars (End User Messaging SMS; $1 on a new account). */
  smsSpendLimitUsd: positive('US dollars a month, e.g. 1'),
  /** The share of smsSpendLimitUsd spent this month that alarms (sends stop at the limit). */
  smsSpendShare: rate('a fraction of the limit, e.g. 0.8'),
  /** 1 - delivered / sent text message parts in an hour, once smsMinParts were sent. */
  smsDeliveryFailureRate: rate('a fraction of message parts, e.g. 0.1'),
  /** Text message parts an hour below which the delivery failure rate is not judged. */
  smsMinParts: whole('message parts an hour, e.g. 20'),
});
export type AlarmSettings = z.infer<typeof AlarmSettings>;

export const DEFAULT_ALARM_SETTINGS: AlarmSettings = {
  lambdaErrorRate: 0.05,
  lambdaThrottleRate: 0.1,
  journeyFailed: 1,
  journeyTimedOut: 1,
  journeyThrottled: 1,
  tableThrottleEvents: 10,
  tableSystemErrors: 5,
  apiServerErrorRate: 0.05,
  apiMinRequests: 20,
  apiLatencyP99Ms: 2_000,
  deadLetterAgeHours: 48,
  sesBounceRateWarning: 0.02,
  sesBounceRateCritical: 0.04,
  sesComplaintRateWarning: 0.0005,
  sesComplaintRateCritical: 0.0008,
  smsSpendLimitUsd: 1,
  smsSpendShare: 0.8,
  smsDeliveryFailureRate: 0.1,
  smsMinParts: 20,
};

/**
 * Checks context alarms: an object of any of AlarmSettings' fields (the others take their defaults), from
 * cdk.json, or as JSON text from `-c 'alarms={"apiLatencyP99Ms":1500}'`. A warning above its critical
 * level is refused too: the pair would fire in the wrong order.
 */
export function checkAlarmSettings(value: unknown, setting = 'alarms'): AlarmSettings {
  const settings = checkPartialSetting(
    setting,
    AlarmSettings.partial(),
    DEFAULT_ALARM_SETTINGS,
    value,
    '{"apiLatencyP99Ms":1500}',
  );
  for (const kind of ['Bounce', 'Complaint'] as const) {
    const [warning, critical] = [settings[`ses${kind}RateWarning`], settings[`ses${kind}RateCritical`]];
    if (warning >= critical)
      throw new InvalidSettingError(
        `context ${setting}.ses${kind}RateWarning: got ${warning}; expected less than ` +
          `${setting}.ses${kind}RateCritical (${critical})`,
      );
  }
  return settings;
}

// Deliberately plain: SNS checks the address for real by mailing a confirmation link to it.
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;".]+$/;

/**
 * Checks context alarmEmails: the addresses subscribed to the alarm topic, as a list in cdk.json or a
 * comma-separated string from `-c alarmEmails=oncall@example.com,ops@example.com`. None is allowed (the
 * topic is then subscribed to by hand, or by a chat integration); a malformed one is refused by name.
 */
export function checkAlarmEmails(value: unknown, setting = 'alarmEmails'): string[] {
  if (value === undefined || value === null || value === '') return [];
  const given =
    typeof value === 'string'
      ? value.split(',').map((s) => s.trim())
      : Array.isArray(value)
        ? value
        : [value];
  const bad = given.filter((a) => typeof a !== 'string' || !EMAIL.test(a));
  if (bad.length > 0 || given.length === 0)
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(value)} (${bad.map((b) => JSON.stringify(b)).join(', ')} ` +
        'is not an email address); expected email addresses, a list in cdk.json or comma-separated: ' +
        '-c alarmEmails=oncall@example.com,ops@example.com',
    );
  return [...new Set(given as string[])];
}

/** Context alarmChat: the chat the alarm topic posts to (infra/alarm-chat.ts). */
export interface AlarmChatSetting {
  format: ChatFormat;
  /** A secret holding the webhook URL, made by the operator; none: the stack creates one to be set. */
  webhookSecretArn?: string | undefined;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const CHAT_EXAMPLE = `{"format":"slack"} (format: ${CHAT_FORMATS.join(', ')}; optional webhookSecretArn)`;
const NOT_IN_CONTEXT =
  'the webhook URL is a credential: keep it in Secrets Manager (the stack creates a secret to set, ' +
  'or give its ARN as alarmChat.webhookSecretArn), never in context';

/**
 * Checks context alarmChat: an object in cdk.json, JSON text from `-c 'alarmChat={"format":"teams"}'`, or
 * just the format (`-c alarmChat=slack`). None: no chat. A webhook URL given here is refused.
 */
export function checkAlarmChat(value: unknown, setting = 'alarmChat'): AlarmChatSetting | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let given: unknown = value;
  if (typeof value === 'string') {
    if (/^\s*https?:/i.test(value)) throw new InvalidSettingError(`context ${setting}: ${NOT_IN_CONTEXT}`);
    try {
      given = JSON.parse(value) as unknown;
    } catch {
      given = { format: value };
    }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new InvalidSettingError(
      `context ${setting}: got ${JSON.stringify(value)}; expected ${CHAT_EXAMPLE}`,
    );
  const { format, webhookSecretArn, ...others } = given as Record<string, unknown>;
  const problems = Object.keys(others).map((k) =>
    /url|hook/i.test(k)
      ? `context ${setting}.${k}: ${NOT_IN_CONTEXT}`
      : `context ${setting}: got the unknown field ${JSON.stringify(k)}`,
  );
  if (!CHAT_FORMATS.includes(format as ChatFormat))
    problems.push(
      `context ${setting}.format: got ${JSON.stringify(format)}; expected one of ${CHAT_FORMATS.join(', ')}`,
    );
  if (
    webhookSecretArn !== undefined &&
    (typeof webhookSecretArn !== 'string' || !SECRET_ARN.test(webhookSecretArn))
  )
    problems.push(
      `context ${setting}.webhookSecretArn: got ${JSON.stringify(webhookSecretArn)}; expected a Secrets Manager ` +
        'secret ARN, arn:aws:secretsmanager:<region>:<account>:secret:<name>',
    );
  if (problems.length > 0) throw new InvalidSettingError(problems.join('\n'));
  return {
    format: format as ChatFormat,
    ...(webhookSecretArn === undefined ? {} : { webhookSecretArn: webhookSecretArn as string }),
  };
}
