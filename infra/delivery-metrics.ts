import { Duration, Stack } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CloudWatchDimensionSource,
  EmailSendingEvent,
  EventDestination,
  type ConfigurationSet,
} from 'aws-cdk-lib/aws-ses';
import type { CfnConfigurationSet } from 'aws-cdk-lib/aws-smsvoice';
import { Construct } from 'constructs';
import { metricsNamespaceOf } from './metrics-namespace';

const PERIOD = Duration.minutes(5);

/** What SES publishes per journey through the configuration set's CloudWatch event destination (AWS/SES). */
export const SES_EVENT_METRICS = [
  ['Send', EmailSendingEvent.SEND],
  ['Delivery', EmailSendingEvent.DELIVERY],
  ['Bounce', EmailSendingEvent.BOUNCE],
  ['Complaint', EmailSendingEvent.COMPLAINT],
  ['Reject', EmailSendingEvent.REJECT],
  ['RenderingFailure', EmailSendingEvent.RENDERING_FAILURE],
  ['DeliveryDelay', EmailSendingEvent.DELIVERY_DELAY],
] as const;
export type SesEventMetric = (typeof SES_EVENT_METRICS)[number][0];

/** The dimension value of an email sent without a `journey` tag (every Rapport email has one). */
export const NO_JOURNEY = 'none';

/**
 * End User Messaging SMS event types that end a text message: delivered (or accepted by a carrier that
 * sends no receipt), and every way one fails (Event types for SMS, in the End User Messaging SMS guide).
 */
export const SMS_DELIVERED_EVENTS = ['TEXT_DELIVERED', 'TEXT_SUCCESSFUL'] as const;
export const SMS_FAILED_EVENTS = [
  'TEXT_BLOCKED',
  'TEXT_CARRIER_BLOCKED',
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_INVALID',
  'TEXT_INVALID_MESSAGE',
  'TEXT_UNREACHABLE',
  'TEXT_SPAM',
  'TEXT_TTL_EXPIRED',
  'TEXT_UNKNOWN',
  'TEXT_PROTECT_BLOCKED',
] as const;

/** Metrics the SMS event log's filters make (namespace Rapport, dimension journey from the send's Context). */
export const SMS_METRIC = { delivered: 'SmsDelivered', failed: 'SmsFailed' } as const;

export interface DeliveryMetricsProps {
  emailConfigurationSet: ConfigurationSet;
  /** Its events also count opens and clicks (AWS/SES Open, Click per journey). */
  trackedConfigurationSet: ConfigurationSet;
  smsConfigurationSet: CfnConfigurationSet;
}

/**
 * What the providers say became of each message, as CloudWatch metrics per journey:
 * - SES: a CloudWatch event destination on the configuration set publishes Send, Delivery, Bounce,
 *   Complaint, Reject, RenderingFailure and DeliveryDelay in AWS/SES, with the dimensions
 *   `ses:configuration-set` (SES's own tag: stages sharing an account stay apart) and `journey` (the
 *   message tag every email carries, domain/messages/delivery.ts).
 * - SMS: End User Messaging has no CloudWatch metrics destination, so its events go to a log group
 *   (a configuration set event destination), where two metric filters count final deliveries and
 *   failures per journey (the `journey` key of the Context every text is sent with).
 */
export class DeliveryMetrics extends Construct {
  readonly smsEvents: LogGroup;

  constructor(scope: Construct, id: string, props: DeliveryMetricsProps) {
    super(scope, id);
    const metrics = (set: ConfigurationSet, extra: EmailSendingEvent[]) =>
      set.addEventDestination('Metrics', {
        destination: EventDestination.cloudWatchDimensions([
          {
            name: 'ses:configuration-set',
            source: CloudWatchDimensionSource.MESSAGE_TAG,
            defaultValue: set.configurationSetName,
          },
          { name: 'journey', source: CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: NO_JOURNEY },
        ]),
        events: [...SES_EVENT_METRICS.map(([, event]) => event), ...extra],
      });
    metrics(props.emailConfigurationSet, []);
    metrics(props.trackedConfigurationSet, [EmailSendingEvent.OPEN, EmailSendingEvent.CLICK]);
    this.smsEvents = this.smsEventLog(props.smsConfigurationSet);
  }

  private smsEventLog(configurationSet: CfnConfigurationSet): LogGroup {
    // The events hold the destination phone number: kept as long as the functions' logs, no longer.
    const log = new LogGroup(this, 'SmsEvents', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'SmsEventsRole', {
      assumedBy: new ServicePrincipal('sms-voice.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Rapport: End User Messaging SMS writes delivery events to the SMS event log',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [log.logGroupArn],
      }),
    );
    // After the SNS destination of delivery events (messaging-feedback.ts), which stays.
    const existing = Array.isArray(configurationSet.eventDestinations)
      ? configurationSet.eventDestinations
      : [];
    configurationSet.eventDestinations = [
      ...existing,
      {
        eventDestinationName: 'rapport-delivery-events',
        enabled: true,
        matchingEventTypes: [...SMS_DELIVERED_EVENTS, ...SMS_FAILED_EVENTS],
        cloudWatchLogsDestination: { iamRoleArn: role.roleArn, logGroupArn: log.logGroupArn },
      },
    ];
    const count = (id: string, metricName: string, events: readonly string[]) =>
      new MetricFilter(this, id, {
        logGroup: log,
        metricNamespace: metricsNamespaceOf(this),
        metricName,
        metricValue: '1',
        filterPattern: FilterPattern.any(
          ...events.map((e) => FilterPattern.stringValue('$.eventType', '=', e)),
        ),
        dimensions: { journey: '$.context.journey' },
      });
    count('SmsDelivered', SMS_METRIC.delivered, SMS_DELIVERED_EVENTS);
    count('SmsFailed', SMS_METRIC.failed, SMS_FAILED_EVENTS);
    return log;
  }
}

/** One AWS/SES event metric of a journey's emails, as the configuration set's event destination publishes it. */
export function sesJourneyMetric(
  metricName: SesEventMetric | 'Open' | 'Click',
  configurationSetName: string,
  journey: string,
): Metric {
  return new Metric({
    namespace: 'AWS/SES',
    metricName,
    dimensionsMap: { 'ses:configuration-set': configurationSetName, journey },
    statistic: 'Sum',
    period: PERIOD,
    label: journey,
  });
}

/** An SMS delivery or failure count of a journey (the SMS event log's metric filters). */
export function smsJourneyMetric(
  namespace: string,
  metricName: (typeof SMS_METRIC)[keyof typeof SMS_METRIC],
  journey: string,
): Metric {
  return new Metric({
    namespace,
    metricName,
    dimensionsMap: { journey },
    statistic: 'Sum',
    period: PERIOD,
    label: journey,
  });
}
