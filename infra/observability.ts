import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm, IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { FunctionName } from '../functions/routes';
import type { AlarmSettings } from './alarm-settings';
import { AlarmTopic } from './alarm-topic';
import type { Workflows } from '../domain/config/load';
import { RapportDashboard } from './dashboard';
import { journeyChannels, journeyRows, lifecycleRows } from './dashboard-business';
import { apiRow, emailRows, lambdaRow, smsRow } from './dashboard-services';
import { metricsNamespaceOf } from './metrics-namespace';
import { deadLetterAlarms, sesAlarms, smsAlarms, type DeadLetterView } from './delivery-alarms';
import type { HandlerFunction } from './handler-function';
import type { JourneyStateMachine } from './journey-state-machine';
import { openExecutions } from './open-executions';
import { queueBacklog, type WorkQueueView } from './queue-backlog';
import { apiAlarms, functionAlarms, journeyAlarms, tableAlarms } from './service-alarms';
import { StackPart } from './stack-part';

export interface ObservabilityProps {
  dashboardName: string;
  /** The journeys (and the channels they send on), the lifecycle's stages and tiers: charted one by one. */
  workflows: Workflows;
  /** The SES configuration set, whose event destination publishes the email metrics per journey. */
  configurationSetName: string;
  /** The configuration set of open- and click-tracked email. */
  trackedConfigurationSetName: string;
  journeys: Record<string, JourneyStateMachine>;
  functions: Record<FunctionName, HandlerFunction>;
  httpApi: HttpApi;
  table: ITable;
  deadLetters: readonly DeadLetterView[];
  /** The queues between functions: their backlog, graphed. */
  workQueues: readonly WorkQueueView[];
  /** Thresholds of the alarms (context alarms). */
  alarms: AlarmSettings;
  /** Subscribed to the alarm topic (context alarmEmails). */
  alarmEmails: readonly string[];
}

/** The dashboard and the alarms: is Rapport working, is it near a limit, and who is told. */
export class Observability extends StackPart {
  readonly dashboard: RapportDashboard;
  /** In alarm when Rapport opens executions fast enough to near the account's quota (open-executions.ts). */
  readonly openExecutionsAlarm: Alarm;
  /** Every alarm's alarm and OK action (the stack applies AlarmActions with it). */
  readonly alarmTopic: AlarmTopic;
  /** The alarms on AWS services' own metrics (Lambda, Step Functions, DynamoDB, API, SQS, SES, SMS). */
  readonly serviceAlarms: Alarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const open = openExecutions(this);
    this.openExecutionsAlarm = open.alarm;
    this.dashboard = new RapportDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      functions: props.functions,
      httpApi: props.httpApi,
      deadLetters: props.deadLetters,
      businessRows: businessRows(this, props),
      moreRows: [...serviceRows(this, props), queueBacklog(props.workQueues), open.widgets],
    });
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { emails: props.alarmEmails });
    const settings = props.alarms;
    this.serviceAlarms = [
      ...functionAlarms(this, props.functions, settings),
      ...journeyAlarms(this, props.journeys, settings),
      ...tableAlarms(this, props.table, settings),
      ...apiAlarms(this, props.httpApi, settings),
      ...deadLetterAlarms(this, props.deadLetters, settings),
      ...sesAlarms(this, settings),
      ...smsAlarms(this, settings),
    ];
  }
}

/** Per journey (executions, messages), then customers per stage and tier. */
function businessRows(scope: Construct, { workflows, journeys }: ObservabilityProps): IWidget[][] {
  const views = workflows.journeys.flatMap(({ journey }) => {
    const machine = journeys[journey.id];
    return machine
      ? [{ id: journey.id, stateMachine: machine.stateMachine, ...journeyChannels(journey) }]
      : [];
  });
  return [
    ...journeyRows(metricsNamespaceOf(scope), views),
    ...lifecycleRows(
      metricsNamespaceOf(scope),
      workflows.lifecycle.stages.map((s) => s.id),
      workflows.lifecycle.tiers.map((t) => t.id),
    ),
  ];
}

/** Email and SMS as the providers saw them, then the functions and the API. */
function serviceRows(
  scope: Construct,
  { workflows, configurationSetName, trackedConfigurationSetName, functions, httpApi }: ObservabilityProps,
): IWidget[][] {
  const channels = workflows.journeys.map(({ journey }) => ({ id: journey.id, ...journeyChannels(journey) }));
  const using = (channel: 'email' | 'sms') =>
    channels.filter((j) => j.sentChannels.includes(channel)).map((j) => j.id);
  return [
    ...emailRows({ untracked: configurationSetName, tracked: trackedConfigurationSetName }, using('email')),
    smsRow(metricsNamespaceOf(scope), using('sms')),
    lambdaRow(functions),
    apiRow(httpApi),
  ];
}
