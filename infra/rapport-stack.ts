import { resolve } from 'node:path';
import { Aspects, CfnOutput, RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DUE_INDEX, TABLE_KEYS } from '../adapters/dynamodb/table';
import type { Workflows } from '../domain/config/load';
import { DEFAULT_SCALE, type Scale } from '../domain/config/scale';
import { TASK_EVENT } from '../domain/journey/compile';
import { LIFECYCLE_EVENT } from '../domain/lifecycle/changes';
import type { FunctionName } from '../functions/routes';
import { AlarmChat } from './alarm-chat';
import { DEFAULT_ALARM_SETTINGS, type AlarmChatSetting, type AlarmSettings } from './alarm-settings';
import { AlarmActions } from './alarm-topic';
import { EventsApi } from './events-api';
import type { HandlerFunction } from './handler-function';
import { stateMachineArnPrefix, type JourneyStateMachine } from './journey-state-machine';
import { JourneyStarts } from './journey-starts';
import { Journeys, type JourneysProps } from './journeys';
import { Messaging } from './messaging';
import type { MessagingFeedback } from './messaging-feedback';
import { checkPublicBaseUrl, checkSweepEvery, DEFAULT_SWEEP_EVERY_MINUTES, pascalCase } from './names';
import { acknowledgeNag } from './nag';
import { Observability } from './observability';
import type { FunctionSettings } from './rapport-function';
import { StackOfParts } from './stack-part';
import type { SweepSchedule } from './sweep-schedule';
import { Sweeping } from './sweeping';

/** Names fixed on AWS (one Rapport per account and region): what operators and event producers look for. */
export const NAMES = {
  eventBus: 'rapport',
  eventSource: 'rapport.events',
  configurationSet: 'rapport',
  /** End User Messaging SMS: the configuration set and the opt-out list. */
  sms: 'rapport',
  httpApi: 'rapport',
  dashboard: 'Rapport',
  sweepSchedule: 'rapport-sweep',
} as const;

/** The EventBridge pattern of the requests `task` steps publish on the bus, for rules that route them to people. */
/** The EventBridge pattern of the stage and tier changes the lifecycle announces on the bus. */
export const LIFECYCLE_EVENT_PATTERN = {
  source: [LIFECYCLE_EVENT.source],
  'detail-type': Object.values(LIFECYCLE_EVENT.detailType),
};

export const TASK_EVENT_PATTERN = {
  source: [TASK_EVENT.source],
  'detail-type': [TASK_EVENT.detailType],
} as const;

/** The repository root: infra/ sits directly below it. */
export const PROJECT_ROOT = resolve(__dirname, '..');

export const DEFAULT_SENDER_ADDRESS = 'no-reply@example.com';

export interface RapportStackProps extends StackProps {
  /** The loaded workflows: one state machine is created per journey. */
  workflows: Workflows;
  /** The repository root (functions/, workflows/, package-lock.json) the handlers are bundled from. */
  projectRoot?: string | undefined;
  /** The From address of every email, optionally with a display name: `Brand <no-reply@example.com>`. */
  senderAddress?: string | undefined;
  /** The base of links in emails (unsubscribe). Defaults to the HTTP API's own URL. */
  publicBaseUrl?: string | undefined;
  /** Minutes between two sweeps (customers going dormant or lost as time passes); default 60. */
  sweepEvery?: number | undefined;
  /** How Rapport is sized: shards, rates and concurrencies (domain/config/scale.ts); default DEFAULT_SCALE. */
  scale?: Scale | undefined;
  /** Thresholds of the alarms (alarm-settings.ts); default DEFAULT_ALARM_SETTINGS. */
  alarms?: AlarmSettings | undefined;
  /** Email addresses subscribed to the alarm topic; default none (a synth warning says so). */
  alarmEmails?: readonly string[] | undefined;
  /** A chat the alarm topic posts to (alarm-chat.ts); default none. */
  alarmChat?: AlarmChatSetting | undefined;
}

/**
 * The whole of Rapport on AWS, composed of parts by concern (events API and ingest, messaging, sweep,
 * journeys, observability) around what they share: the table and the link-signing secret. The parts are
 * left out of logical IDs (stack-part.ts): a resource kept the one it had before the stack was split.
 */
export class RapportStack extends StackOfParts {
  readonly table: Table;
  readonly functions: Record<FunctionName, HandlerFunction>;
  readonly journeys: Record<string, JourneyStateMachine>;
  readonly httpApi: HttpApi;
  readonly eventBus: EventBus;
  readonly sweepSchedule: SweepSchedule;
  readonly feedback: MessagingFeedback;
  readonly scale: Scale;
  readonly events: EventsApi;
  readonly messaging: Messaging;
  readonly sweeping: Sweeping;
  readonly journeysPart: Journeys;
  readonly starts: JourneyStarts;
  readonly observability: Observability;
  readonly alarmChat: AlarmChat | undefined;

  constructor(scope: Construct, id: string, props: RapportStackProps) {
    super(scope, id, props);
    const senderAddress = props.senderAddress ?? DEFAULT_SENDER_ADDRESS;
    const sweepEvery = checkSweepEvery(props.sweepEvery ?? DEFAULT_SWEEP_EVERY_MINUTES);
    this.scale = props.scale ?? DEFAULT_SCALE;
    this.table = this.customerTable();
    const linkSigningSecret = this.linkSigningSecret();
    const functions: FunctionSettings = {
      projectRoot: props.projectRoot ?? PROJECT_ROOT,
      workflows: props.workflows,
      logRetention: RetentionDays.ONE_MONTH,
      table: this.table,
      scale: this.scale,
    };
    // By name, not by reference: the functions that start journeys must not depend on the state machines,
    // which are updated after them (journey-access.ts).
    const arnPrefix = stateMachineArnPrefix(this);

    this.starts = new JourneyStarts(this, 'Starts', { functions, stateMachineArnPrefix: arnPrefix });
    const startQueue = this.starts.queue;
    this.events = new EventsApi(this, 'Events', {
      startQueue,
      sweepEveryMinutes: sweepEvery,
      functions,
      apiName: NAMES.httpApi,
      eventBusName: NAMES.eventBus,
      eventSource: NAMES.eventSource,
      linkSigningSecret,
      stateMachineArnPrefix: arnPrefix,
    });
    this.eventBus = this.events.eventBus;
    this.httpApi = this.events.httpApi;
    const publicBaseUrl =
      props.publicBaseUrl === undefined ? this.events.stage.url : checkPublicBaseUrl(props.publicBaseUrl);
    this.messaging = new Messaging(this, 'Messaging', {
      functions,
      senderAddress,
      configurationSetName: NAMES.configurationSet,
      smsName: NAMES.sms,
      publicBaseUrl,
      linkSigningSecret,
      stateMachineArnPrefix: arnPrefix,
    });
    this.feedback = this.messaging.feedback;
    this.sweeping = new Sweeping(this, 'Sweeping', {
      functions,
      scheduleName: NAMES.sweepSchedule,
      everyMinutes: sweepEvery,
      eventBus: this.eventBus,
      stateMachineArnPrefix: arnPrefix,
      startQueue,
    });
    this.sweepSchedule = this.sweeping.schedule;
    this.journeysPart = new Journeys(this, 'Journeys', {
      functions,
      workflows: props.workflows,
      sendMessage: this.messaging.sendMessage,
      eventBus: this.eventBus,
      access: this.journeyAccess(),
      suppressor: this.messaging.deliveryEvents,
    });
    this.journeys = this.journeysPart.stateMachines;
    this.functions = this.functionsByName();
    this.observability = this.observe(props);
    this.alarmChat =
      props.alarmChat &&
      new AlarmChat(this, 'AlarmChat', {
        alarmTopic: this.observability.alarmTopic,
        setting: props.alarmChat,
        projectRoot: functions.projectRoot,
        logRetention: functions.logRetention,
      });
    // In one place, over the whole stack: an alarm added anywhere, later, reaches a person too.
    Aspects.of(this).add(new AlarmActions(this.observability.alarmTopic.topic));
    this.outputs(publicBaseUrl, sweepEvery);
  }

  /** Every function, by the name its handler folder has (functions/routes.ts FUNCTIONS). */
  private functionsByName(): Record<FunctionName, HandlerFunction> {
    return {
      'accept-event': this.events.acceptEvent,
      'ingest-event': this.events.ingestEvent,
      'start-journey': this.starts.startJourney,
      'sweep-worker': this.sweeping.sweepWorker,
      'send-message': this.messaging.sendMessage,
      'journey-step': this.journeysPart.journeyStep,
      unsubscribe: this.events.unsubscribe,
      sweep: this.sweeping.sweep,
      'delivery-events': this.messaging.deliveryEvents,
      feedback: this.events.feedback,
    };
  }

  /** Who may start, resume and stop journeys, and who decides starts (journey-access.ts). */
  private journeyAccess(): JourneysProps['access'] {
    const { ingestEvent, feedback } = this.events;
    const { sweep, sweepWorker } = this.sweeping;
    return {
      starter: this.starts.startJourney,
      resumers: [ingestEvent, feedback, sweep],
      deciders: [ingestEvent, feedback, sweep, sweepWorker],
    };
  }

  /** The dashboard and alarms over every part: the dead-letter queues each with what it holds. */
  private observe(props: RapportStackProps): Observability {
    return new Observability(this, 'Observability', {
      dashboardName: NAMES.dashboard,
      journeys: this.journeys,
      functions: this.functions,
      httpApi: this.httpApi,
      table: this.table,
      alarms: props.alarms ?? DEFAULT_ALARM_SETTINGS,
      alarmEmails: props.alarmEmails ?? [],
      workQueues: [
        { title: 'Events waiting for ingest', queue: this.events.ingestQueue },
        { title: 'Journey starts waiting', queue: this.starts.queue },
        { title: 'Customers waiting for their sweep turn', queue: this.sweeping.queue },
      ],
      deadLetters: [
        {
          key: 'ingest',
          title: 'Events not ingested (rapport-ingest-dlq)',
          queue: this.events.ingestQueueDeadLetters,
        },
        {
          key: 'bus',
          title: 'Events EventBridge could not queue, or not ingested before the queue (dead-letter queue)',
          queue: this.events.ingestDeadLetters,
        },
        {
          key: 'starts',
          title: 'Journey starts not made (rapport-starts-dlq)',
          queue: this.starts.deadLetters,
        },
        {
          key: 'sweep',
          title: 'Sweep turns that kept failing (rapport-sweep-dlq)',
          queue: this.sweeping.queueDeadLetters,
        },
        {
          key: 'sweep-schedule',
          title: 'Sweeps not delivered or failed (dead-letter queue)',
          queue: this.sweeping.deadLetters,
        },
        // A bounce, complaint or STOP lost here is an address not suppressed: the one that must not wait.
        {
          key: 'feedback',
          title: 'Bounces, complaints, STOP replies not handled (dead-letter queue)',
          queue: this.messaging.feedbackDeadLetters,
        },
      ],
    });
  }

  private customerTable(): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Profiles and consent records (who unsubscribed, when) must outlive any stack.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Sparse: only customers with a due time (an inactivity threshold ahead) are in it; the sweep reads it.
    table.addGlobalSecondaryIndex({
      indexName: DUE_INDEX.name,
      partitionKey: { name: DUE_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: DUE_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    return table;
  }

  private linkSigningSecret(): Secret {
    const secret = new Secret(this, 'LinkSigningSecret', {
      description: 'Rapport: HMAC key that signs unsubscribe links in emails',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Deleting it would invalidate every link in mail already sent.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      secret,
      'SMG4',
      'An HMAC key for links in emails, rotated manually: an automatic rotation would invalidate the ' +
        'unsubscribe links in every email already sent, and there is no external credential to rotate.',
    );
    return secret;
  }

  private outputs(publicBaseUrl: string, sweepEvery: number): void {
    new CfnOutput(this, 'EventsApiUrl', {
      description: 'POST events here, signed with SigV4 (IAM authorization)',
      value: `${this.events.stage.url}events`,
    });
    new CfnOutput(this, 'PublicBaseUrl', {
      description: 'The base URL of links in emails (unsubscribe)',
      value: publicBaseUrl,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description:
        'Every alarm notifies this topic (alarm and OK); subscribe more people or a chat integration to it',
      value: this.observability.alarmTopic.topic.topicArn,
    });
    this.queueOutputs();
    new CfnOutput(this, 'InboundSmsTopicArn', {
      description:
        "Set this as your phone number's two-way SMS channel (with the opt-out list below): STOP replies suppress the number",
      value: this.feedback.inboundSms.topicArn,
    });
    new CfnOutput(this, 'SmsOptOutListName', {
      description: 'Attach this opt-out list to your End User Messaging phone number or pool',
      value: NAMES.sms,
    });
    new CfnOutput(this, 'SweepScheduleName', {
      description: `EventBridge Scheduler schedule (default group) that runs the sweep every ${sweepEvery} min`,
      value: this.sweepSchedule.schedule.scheduleName,
    });
    new CfnOutput(this, 'EventBusName', {
      description: `Put events with source "${NAMES.eventSource}" on this bus`,
      value: this.eventBus.eventBusName,
    });
    new CfnOutput(this, 'LifecycleEventPattern', {
      description:
        'Stage and tier changes are announced on the bus; a rule with this event pattern routes them to a CRM, ' +
        'analytics or a data warehouse (detail.id is the same for a repeat: deduplicate on it)',
      value: JSON.stringify(LIFECYCLE_EVENT_PATTERN),
    });
    new CfnOutput(this, 'TaskEventPattern', {
      description:
        'Task steps (ask a person to act) publish on the bus; a rule with this event pattern routes them to ' +
        'a CRM or ticketing target (README: Routing tasks to people)',
      value: JSON.stringify(TASK_EVENT_PATTERN),
    });
    for (const [id, j] of Object.entries(this.journeys)) {
      new CfnOutput(this, `StateMachineArn${pascalCase(id)}`, {
        description: `State machine of journey ${id}`,
        value: j.stateMachine.stateMachineArn,
      });
    }
  }

  /** The work queues and their dead-letter queues, by URL: what an operator watches and redrives. */
  private queueOutputs(): void {
    const queues = {
      IngestQueueUrl: [
        this.events.ingestQueue,
        'Events waiting for ingest-event (from POST /events and the bus)',
      ],
      IngestDeadLetterQueueUrl: [this.events.ingestQueueDeadLetters, 'npx rapport redrive ingest'],
      StartQueueUrl: [this.starts.queue, 'Journey starts waiting for start-journey (paced)'],
      StartDeadLetterQueueUrl: [this.starts.deadLetters, 'npx rapport redrive starts'],
      SweepQueueUrl: [this.sweeping.queue, 'Due customers waiting for a sweep worker'],
      SweepDeadLetterQueueUrl: [this.sweeping.queueDeadLetters, 'npx rapport redrive sweep'],
    } as const;
    for (const [id, [queue, description]] of Object.entries(queues))
      new CfnOutput(this, id, { description, value: queue.queueUrl });
  }
}
