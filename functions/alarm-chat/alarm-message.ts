/**
 * The runbook key at the end of an alarm description (`… (runbook: lambda-errors)`), or undefined: every
 * Rapport alarm ends its description so (infra/alarm.ts rapportAlarm), and README "Runbook: alarms" has an
 * entry per key.
 */
export function runbookKeyOf(description: string): string | undefined {
  return /\(runbook: ([a-z0-9-]+)\)$/.exec(description)?.[1];
}

export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** What a chat message says of one alarm notification. */
export interface AlarmNotice {
  kind: 'alarm';
  state: AlarmState;
  previousState?: AlarmState | undefined;
  alarmName: string;
  /** The description without its runbook suffix. */
  description: string;
  reason: string;
  runbook?: string | undefined;
  /** The alarm in the CloudWatch console, when its ARN says where it lives. */
  consoleUrl?: string | undefined;
  at?: string | undefined;
}

/** Something else published on the topic (a test publish, say): forwarded as it is, not dropped. */
export interface OtherNotice {
  kind: 'other';
  subject: string;
  text: string;
}

export type Notice = AlarmNotice | OtherNotice;

const STATES: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** The fields read of the JSON CloudWatch publishes to SNS for a metric or composite alarm. */
interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: AlarmState;
  OldStateValue?: AlarmState;
  NewStateReason?: string | null;
  StateChangeTime?: string;
  AlarmArn?: string;
}

function isAlarmMessage(json: unknown): json is CloudWatchAlarmMessage {
  if (typeof json !== 'object' || json === null) return false;
  const m = json as Record<string, unknown>;
  const optionalText = (k: string) => m[k] === undefined || m[k] === null || typeof m[k] === 'string';
  return (
    typeof m.AlarmName === 'string' &&
    m.AlarmName !== '' &&
    STATES.includes(m.NewStateValue as AlarmState) &&
    (m.OldStateValue === undefined || STATES.includes(m.OldStateValue as AlarmState)) &&
    ['AlarmDescription', 'NewStateReason', 'StateChangeTime', 'AlarmArn'].every(optionalText)
  );
}

/** A chat message is read at a glance: a text published by hand is cut to this many characters. */
const MAX_OTHER_TEXT = 2_000;

/** The notice in an SNS record's Message (and Subject): an alarm's state change, or anything else. */
export function noticeOf(message: string, subject: string | null | undefined): Notice {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    json = undefined;
  }
  if (!isAlarmMessage(json))
    return { kind: 'other', subject: subject ?? 'Notification', text: message.slice(0, MAX_OTHER_TEXT) };
  const a = json;
  const described = a.AlarmDescription ?? '';
  return {
    kind: 'alarm',
    state: a.NewStateValue,
    previousState: a.OldStateValue,
    alarmName: a.AlarmName,
    description: described.replace(/\s*\(runbook: [a-z0-9-]+\)$/, ''),
    reason: a.NewStateReason ?? '',
    runbook: runbookKeyOf(described),
    consoleUrl: a.AlarmArn ? consoleUrlOf(a.AlarmArn, a.AlarmName) : undefined,
    at: a.StateChangeTime,
  };
}

const CONSOLE_HOSTS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** `arn:aws:cloudwatch:eu-west-1:…:alarm:<name>` → the alarm's page in the CloudWatch console. */
export function consoleUrlOf(alarmArn: string, alarmName: string): string | undefined {
  const [, partition, service, region] = alarmArn.split(':');
  const host = partition === undefined ? undefined : CONSOLE_HOSTS[partition];
  if (service !== 'cloudwatch' || !region || !host) return undefined;
  return (
    `https://${region}.${host}/cloudwatch/home?region=${region}` +
    `#alarmsV2:alarm/${encodeURIComponent(alarmName)}`
  );
}
