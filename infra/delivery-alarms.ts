import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { percent, rapportAlarm } from './alarm';
import type { AlarmSettings } from './alarm-settings';

const PERIOD = Duration.minutes(5);
const HOUR = Duration.hours(1);

export interface DeadLetterView {
  /** A short name for alarm names: `ingest`, `feedback`. */
  key: string;
  title: string;
  queue: IQueue;
}

/**
 * Beyond the depth alarm (dashboard.ts), for each dead-letter queue: one that a message has waited too long
 * (they are deleted after 14 days), and one that fires again when more arrive, since the depth alarm stays
 * in ALARM and says nothing of a second failure. Arrivals are read off the depth, not NumberOfMessagesSent:
 * SQS does not count in NumberOfMessagesSent the messages a redrive policy moves to a dead-letter queue
 * (SQS Developer Guide, "Troubleshooting dead-letter queues"), which is how three of these fill. The
 * first message into an empty queue is the depth alarm's to report (an idle queue may have published no
 * depth to take a difference from); DIFF in an alarm as cdklabs/construct-hub uses it.
 */
export function deadLetterAlarms(
  scope: Construct,
  deadLetters: readonly DeadLetterView[],
  settings: AlarmSettings,
): Alarm[] {
  return deadLetters.flatMap(({ key, title, queue }) => [
    rapportAlarm(scope, `${queue.node.id}AgeAlarm`, {
      runbook: 'dead-letters-age',
      subject: key,
      description: `${title}: a message has waited ${settings.deadLetterAgeHours} hours or more; it is deleted 14 days after it arrived`,
      metric: queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: settings.deadLetterAgeHours * 3600,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    rapportAlarm(scope, `${queue.node.id}ArrivedAlarm`, {
      runbook: 'dead-letters-arrived',
      subject: key,
      description: `${title}: more messages arrived in the last 5 minutes (back to OK once none arrive, to fire again at the next)`,
      metric: new MathExpression({
        expression: 'DIFF(FILL(depth, REPEAT))',
        usingMetrics: {
          depth: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        },
        period: PERIOD,
        label: 'messages arrived',
      }),
      threshold: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ]);
}

/**
 * SES's reputation rates of the account: what SES reviews an account on (at 5% bounces or 0.1%
 * complaints) and pauses its sending for (10%, 0.5%). Account-level (no dimension), as SES publishes them
 * automatically: the configuration set's own reputation metrics are a part of the same sending.
 */
export function sesAlarms(scope: Construct, settings: AlarmSettings): Alarm[] {
  const reputation = (metricName: string) =>
    new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.minutes(15) });
  const levels = [
    ['warning', 'Warning', 'find what is bouncing before SES reviews the account'],
    ['critical', 'Critical', 'find the journey at fault now, or pause sending through the configuration set'],
  ] as const;
  return levels.flatMap(([level, Level, todo]) => [
    rapportAlarm(scope, `SesBounceRate${Level}Alarm`, {
      runbook: `ses-bounce-rate-${level}`,
      description: `The SES account's bounce rate is ${percent(settings[`sesBounceRate${Level}`])} or more (SES reviews at 5%, may pause sending at 10%): ${todo}`,
      metric: reputation('Reputation.BounceRate'),
      threshold: settings[`sesBounceRate${Level}`],
      treatMissingData: TreatMissingData.IGNORE,
    }),
    rapportAlarm(scope, `SesComplaintRate${Level}Alarm`, {
      runbook: `ses-complaint-rate-${level}`,
      description: `The SES account's complaint rate is ${percent(settings[`sesComplaintRate${Level}`])} or more (SES reviews at 0.1%, may pause sending at 0.5%): ${todo}`,
      metric: reputation('Reputation.ComplaintRate'),
      threshold: settings[`sesComplaintRate${Level}`],
      treatMissingData: TreatMissingData.IGNORE,
    }),
  ]);
}

/**
 * End User Messaging SMS publishes account-level metrics in AWS/SMSVoice once its service-linked role
 * exists (https://docs.aws.amazon.com/sms-voice/latest/userguide/monitoring-cloudwatch.html):
 * TextMessageMonthlySpend (US dollars this month, a gauge: Maximum), and text message parts sent and
 * delivered. The account's spend limit is not a metric (DescribeSpendLimits), so it is a setting.
 */
export function smsAlarms(scope: Construct, settings: AlarmSettings): Alarm[] {
  const sms = (metricName: string, statistic: string) =>
    new Metric({ namespace: 'AWS/SMSVoice', metricName, statistic, period: HOUR });
  const spend = settings.smsSpendLimitUsd * settings.smsSpendShare;
  return [
    rapportAlarm(scope, 'SmsSpendAlarm', {
      runbook: 'sms-spend',
      description: `SMS spend this month reached $${spend.toFixed(2)}, ${percent(settings.smsSpendShare)} of the $${settings.smsSpendLimitUsd} limit (alarms.smsSpendLimitUsd): at the limit End User Messaging stops sending`,
      metric: sms('TextMessageMonthlySpend', 'Maximum'),
      threshold: spend,
      treatMissingData: TreatMissingData.IGNORE,
    }),
    rapportAlarm(scope, 'SmsDeliveryFailuresAlarm', {
      runbook: 'sms-delivery-failures',
      description: `${percent(settings.smsDeliveryFailureRate)} or more of the text message parts sent in an hour were not delivered: look at the SMS event destination or the carriers' answers`,
      metric: new MathExpression({
        // Over an hour: delivery receipts come after the send (and may repeat, which only reads low).
        expression: `IF(sent >= ${settings.smsMinParts}, 1 - FILL(delivered, 0) / sent, 0)`,
        usingMetrics: {
          sent: sms('NumberOfTextMessagePartsSent', 'Sum'),
          delivered: sms('NumberOfTextMessagePartsDelivered', 'Sum'),
        },
        period: HOUR,
        label: 'undelivered share',
      }),
      threshold: settings.smsDeliveryFailureRate,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ];
}
