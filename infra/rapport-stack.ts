import { resolve } from 'node:path';
import { Aspects, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Workflows } from '../domain/config/load';
import { DEFAULT_SCALE, type Scale } from '../domain/config/scale';
import { MAX_STATE_MACHINE_NAME_LENGTH, stateMachineName } from '../domain/journey/state-machine-name';
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
import {
  checkPublicBaseUrl,
  checkSweepEvery,
  DEFAULT_SWEEP_EVERY_MINUTES,
  InvalidSettingError,
} from './names';
import { Observability } from './observability';
import type { FunctionSettings } from './rapport-function';
import { customerTable, linkSigningSecret } from './retained';
import { stackOutputs } from './stack-outputs';
import { StackOfParts } from './stack-part';
import { namePrefix, namePrefixOf, rapportNames, setNamePrefix } from './stage';
import type { SweepSchedule } from './sweep-schedule';
import { Sweeping } from './sweeping';
import { workDeadLetterQueueName } from './work-settings';

/** Names fixed on AWS without a stage (the first deployments'); a stage's are rapportNames(stage). */
export const NAMES = rapportNames(undefined);

// What a rule on the bus matches, for the outputs and for rules that route events to people and systems.
export { LIFECYCLE_EVENT_PATTERN, TASK_EVENT_PATTERN } from './stack-outputs';

/** The repository root: infra/ sits directly below it. */
export const PROJECT_ROOT = resolve(__dirname, '..');

export interface RapportStackProps extends StackProps {
  /** The loaded workflows: one state machine is created per journey. */
  workflows: Workflows;
  /** The repository root (functions/, workflows/, package-lock.json) the handlers are bundled from. */
  projectRoot?: string | undefined;
  /**
   * A stage (`dev`, `prod`: stage.ts): prefixes every physical name with `<stage>-`. None keeps the names of
   * the first deployments. The stack's id is the caller's: `<stage>-Rapport` (stackId).
   */
  stage?: string | undefined;
  /** The From address of every email, optionally with a display name: `Brand <no-reply@mail.yourbrand.com>`. */
  senderAddress: string;
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
  /** What texts are sent from (sms-identity.ts); default whichever End User Messaging picks. */
  smsOriginationIdentity?: string | undefined;
  /** An existing table to use (one retained by an earlier deployment) instead of creating one. */
  tableName?: string | undefined;
  /** An existing link-signing secret (complete ARN) to use instead of creating one. */
  linkSigningSecretArn?: string | undefined;
  /** A chat the alarm topic posts to (alarm-chat.ts); default none. */
  alarmChat?: AlarmChatSetting | undefined;
}

/** What the parts are built with besides the stack's props. */
interface SharedSettings {
  functions: FunctionSettings;
  secret: ReturnType<typeof linkSigningSecret>;
  arnPrefix: ReturnType<typeof stateMachineArnPrefix>;
  names: ReturnType<typeof rapportNames>;
  sweepEvery: number;
}

/**
 * The whole of Rapport on AWS, composed of parts by concern (events API and ingest, messaging, sweep,
 * journeys, observability) around what they share: the table and the link-signing secret. The parts are
 * left out of logical IDs (stack-part.ts): a resource kept the one it had before the stack was split.
 */
export class RapportStack extends StackOfParts {
  readonly stage: string | undefined;
  readonly table: ITable;
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
    this.stage = props.stage;
    setNamePrefix(this, namePrefix(props.stage));
    checkStateMachineNames(props.workflows, props.stage);
    const names = rapportNames(props.stage);
    const sweepEvery = checkSweepEvery(props.sweepEvery ?? DEFAULT_SWEEP_EVERY_MINUTES);
    this.scale = props.scale ?? DEFAULT_SCALE;
    this.table = customerTable(this, props.tableName);
    const secret = linkSigningSecret(this, props.linkSigningSecretArn);
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
    const shared = { functions, secret, arnPrefix, names, sweepEvery };
    this.events = this.eventsApi(shared, startQueue);
    this.eventBus = this.events.eventBus;
    this.httpApi = this.events.httpApi;
    const publicBaseUrl =
      props.publicBaseUrl === undefined ? this.events.stage.url : checkPublicBaseUrl(props.publicBaseUrl);
    this.messaging = this.messagingPart(shared, props, publicBaseUrl);
    this.feedback = this.messaging.feedback;
    this.sweeping = new Sweeping(this, 'Sweeping', {
      functions,
      scheduleName: names.sweepSchedule,
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
    this.observability = this.observe(props, names.dashboard);
    this.alarmChat = props.alarmChat && this.alarmChatPart(props.alarmChat, functions);
    // In one place, over the whole stack: an alarm added anywhere, later, reaches a person too.
    Aspects.of(this).add(new AlarmActions(this.observability.alarmTopic.topic));
    stackOutputs(this, { publicBaseUrl, sweepEvery, names, linkSigningSecret: secret });
  }

  private eventsApi(shared: SharedSettings, startQueue: JourneyStarts['queue']): EventsApi {
    const { functions, secret, arnPrefix, names, sweepEvery } = shared;
    return new EventsApi(this, 'Events', {
      startQueue,
      sweepEveryMinutes: sweepEvery,
      functions,
      apiName: names.httpApi,
      eventBusName: names.eventBus,
      eventSource: names.eventSource,
      linkSigningSecret: secret,
      stateMachineArnPrefix: arnPrefix,
    });
  }

  private messagingPart(shared: SharedSettings, props: RapportStackProps, publicBaseUrl: string): Messaging {
    const { functions, secret, arnPrefix, names } = shared;
    return new Messaging(this, 'Messaging', {
      functions,
      senderAddress: props.senderAddress,
      smsOriginationIdentity: props.smsOriginationIdentity,
      configurationSetName: names.configurationSet,
      smsName: names.sms,
      publicBaseUrl,
      linkSigningSecret: secret,
      stateMachineArnPrefix: arnPrefix,
    });
  }

  private alarmChatPart(setting: AlarmChatSetting, functions: FunctionSettings): AlarmChat {
    return new AlarmChat(this, 'AlarmChat', {
      alarmTopic: this.observability.alarmTopic,
      setting,
      projectRoot: functions.projectRoot,
      logRetention: functions.logRetention,
    });
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
  private observe(props: RapportStackProps, dashboardName: string): Observability {
    return new Observability(this, 'Observability', {
      dashboardName,
      workflows: props.workflows,
      configurationSetName: this.messaging.configurationSet.configurationSetName,
      trackedConfigurationSetName: this.messaging.trackedConfigurationSet.configurationSetName,
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
          title: `Events not ingested (${workDeadLetterQueueName('ingest', namePrefixOf(this))})`,
          queue: this.events.ingestQueueDeadLetters,
        },
        {
          key: 'bus',
          title: 'Events EventBridge could not queue, or not ingested before the queue (dead-letter queue)',
          queue: this.events.ingestDeadLetters,
        },
        {
          key: 'starts',
          title: `Journey starts not made (${workDeadLetterQueueName('starts', namePrefixOf(this))})`,
          queue: this.starts.deadLetters,
        },
        {
          key: 'sweep',
          title: `Sweep turns that kept failing (${workDeadLetterQueueName('sweep', namePrefixOf(this))})`,
          queue: this.sweeping.queueDeadLetters,
        },
        {
          key: 'sweep-schedule',
          title: 'Sweeps or execution ends not delivered, or sweeps failed (dead-letter queue)',
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
}

/**
 * Step Functions refuses a name over 80 characters, and only at deploy time: each journey whose state
 * machine name (`[<stage>-]rapport-<journey id>`) is too long is named here, at synth.
 */
function checkStateMachineNames(workflows: Workflows, stage: string | undefined): void {
  const problems = workflows.journeys
    .map((l) => ({ id: l.journey.id, name: stateMachineName(l.journey.id, namePrefix(stage)) }))
    .filter(({ name }) => name.length > MAX_STATE_MACHINE_NAME_LENGTH)
    .map(
      ({ id, name }) =>
        `journey ${id}: its state machine name ${name} is ` +
        `${name.length} characters; Step Functions allows ${MAX_STATE_MACHINE_NAME_LENGTH}: shorten the journey id` +
        (stage === undefined ? '' : ` or the stage name "${stage}"`),
    );
  if (problems.length > 0) throw InvalidSettingError.of(problems);
}
