import { Aws, CfnOutput } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { TASK_EVENT } from '../domain/journey/compile';
import { LIFECYCLE_EVENT } from '../domain/lifecycle/changes';
import { pascalCase } from './names';
import type { RapportStack } from './rapport-stack';
import type { rapportNames } from './stage';

/** The EventBridge pattern of the stage and tier changes the lifecycle announces on the bus. */
export const LIFECYCLE_EVENT_PATTERN = {
  source: [LIFECYCLE_EVENT.source],
  'detail-type': Object.values(LIFECYCLE_EVENT.detailType),
};

/** The EventBridge pattern of the requests `task` steps publish on the bus, for rules that route them to people. */
export const TASK_EVENT_PATTERN = {
  source: [TASK_EVENT.source],
  'detail-type': [TASK_EVENT.detailType],
} as const;

export interface StackOutputsProps {
  publicBaseUrl: string;
  sweepEvery: number;
  names: ReturnType<typeof rapportNames>;
  linkSigningSecret: ISecret;
}

/** What an operator and an event producer need from a deployed stack, as its outputs. */
export function stackOutputs(stack: RapportStack, props: StackOutputsProps): void {
  const output = (id: string, value: string, description?: string) =>
    new CfnOutput(stack, id, { value, ...(description === undefined ? {} : { description }) });
  output(
    'EventsApiUrl',
    `${stack.events.stage.url}events`,
    'POST events here, signed with SigV4 (IAM authorization)',
  );
  output('PublicBaseUrl', props.publicBaseUrl, 'The base URL of links in emails (unsubscribe)');
  output('TableName', stack.table.tableName);
  output(
    'LinkSigningSecretArn',
    props.linkSigningSecret.secretArn,
    'The key of links in emails: after a destroy, set context linkSigningSecretArn (and tableName) to this to keep them working',
  );
  output(
    'AlarmTopicArn',
    stack.observability.alarmTopic.topic.topicArn,
    'Every alarm notifies this topic (alarm and OK); subscribe more people or a chat integration to it',
  );
  output(
    'DashboardUrl',
    `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${props.names.dashboard}`,
    'The CloudWatch dashboard: is Rapport working',
  );
  queueOutputs(stack, output);
  routingOutputs(stack, props, output);
  for (const [id, j] of Object.entries(stack.journeys))
    output(
      `StateMachineArn${pascalCase(id)}`,
      j.stateMachine.stateMachineArn,
      `State machine of journey ${id}`,
    );
}

/** Where SMS replies, the sweep and the bus are, and the event patterns a rule on the bus matches. */
function routingOutputs(
  stack: RapportStack,
  props: StackOutputsProps,
  output: (id: string, value: string, description: string) => void,
): void {
  output(
    'InboundSmsTopicArn',
    stack.feedback.inboundSms.topicArn,
    "Set this as your phone number's two-way SMS channel (with the opt-out list below): STOP replies suppress the number",
  );
  output(
    'SmsOptOutListName',
    props.names.sms,
    'Attach this opt-out list to your End User Messaging phone number or pool',
  );
  output(
    'SweepScheduleName',
    stack.sweepSchedule.schedule.scheduleName,
    `EventBridge Scheduler schedule (default group) that runs the sweep every ${props.sweepEvery} min`,
  );
  output(
    'EventBusName',
    stack.eventBus.eventBusName,
    `Put events with source "${props.names.eventSource}" on this bus`,
  );
  output(
    'LifecycleEventPattern',
    JSON.stringify(LIFECYCLE_EVENT_PATTERN),
    'Stage and tier changes are announced on the bus; a rule with this event pattern routes them to a CRM, ' +
      'analytics or a data warehouse (detail.id is the same for a repeat: deduplicate on it)',
  );
  output(
    'TaskEventPattern',
    JSON.stringify(TASK_EVENT_PATTERN),
    'Task steps (ask a person to act) publish on the bus; a rule with this event pattern routes them to ' +
      'a CRM or ticketing target (README: Routing tasks to people)',
  );
}

/** The work queues and every dead-letter queue, by URL: what an operator watches and redrives. */
function queueOutputs(
  stack: RapportStack,
  output: (id: string, value: string, description: string) => void,
): void {
  const { events, starts, sweeping, messaging } = stack;
  const redrive = (name: string) =>
    `npx rapport redrive ${name}${stack.stage ? ` --stage ${stack.stage}` : ''}`;
  const queues: Record<string, [Queue, string]> = {
    IngestQueueUrl: [events.ingestQueue, 'Events waiting for ingest-event (from POST /events and the bus)'],
    IngestDeadLetterQueueUrl: [events.ingestQueueDeadLetters, redrive('ingest')],
    StartQueueUrl: [starts.queue, 'Journey starts waiting for start-journey (paced)'],
    StartDeadLetterQueueUrl: [starts.deadLetters, redrive('starts')],
    SweepQueueUrl: [sweeping.queue, 'Due customers waiting for a sweep worker'],
    SweepDeadLetterQueueUrl: [sweeping.queueDeadLetters, redrive('sweep')],
    BusDeadLetterQueueUrl: [
      events.ingestDeadLetters,
      'Events EventBridge could not queue for ingest (README runbook: dead-letters)',
    ],
    SweepScheduleDeadLetterQueueUrl: [
      sweeping.deadLetters,
      'Sweeps not delivered or failed: a signal only, the next sweep redoes the work',
    ],
    FeedbackDeadLetterQueueUrl: [
      messaging.feedbackDeadLetters,
      'Bounces, complaints and STOP replies not handled: addresses not suppressed (README runbook: dead-letters)',
    ],
  };
  for (const [id, [queue, description]] of Object.entries(queues)) output(id, queue.queueUrl, description);
}
