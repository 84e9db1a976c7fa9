import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLexiconClassifier } from '../adapters/sentiment/lexicon';
import { queuedStarter } from '../adapters/stepfunctions/journey-starter';
import type { Clock } from '../domain/clock';
import type { Workflows } from '../domain/config/load';
import type { IncomingEvent } from '../domain/events/schema';
import type { SweepWork } from '../domain/sweep';
import type { ExecutionStatusChange } from '../domain/journey/execution-end';
import { spreadOverSweeps } from '../domain/journey/occasions';
import { createRenderer } from '../domain/messages/render';
import type {
  CustomerStore,
  JourneyStarter,
  LifecycleDeps,
  LifecyclePublisher,
  Mailer,
  SmsSender,
  StartRequest,
  WorkQueue,
} from '../domain/ports';
import { createAcceptEventHandler } from '../functions/accept-event/handler';
import { createDeliveryEventsHandler } from '../functions/delivery-events/handler';
import { createFeedbackHandler } from '../functions/feedback/handler';
import { createIngestEventHandler } from '../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../functions/journey-step/handler';
import type { FunctionName } from '../functions/routes';
import { createSendMessageHandler } from '../functions/send-message/handler';
import { createStartJourneyHandler } from '../functions/start-journey/handler';
import { createObservability } from '../functions/shared/observability';
import { lifecycleRules } from '../functions/shared/workflows';
import { createSweepHandler } from '../functions/sweep/handler';
import { createSweepWorkerHandler } from '../functions/sweep-worker/handler';
import { createUnsubscribeHandler } from '../functions/unsubscribe/handler';
import { inlineQueue } from './inline-queue';
import type { LambdaHandler } from './lambda';
import { localStateMachineArns } from './stepfunctions';

/**
 * What the handlers are wired to locally: on AWS, the same deps come from each function's environment.
 * `npm start` passes adapters over the real AWS SDK clients pointed at the local servers; the simulator
 * passes in-process ones (no servers, no HTTP).
 */
export interface HandlerWiring {
  store: CustomerStore;
  publisher: LifecyclePublisher;
  /** Starts, resumes and stops executions of the journeys' state machines (by journey id). */
  starter: (stateMachineArns: Record<string, string>) => JourneyStarter;
  mailer: Mailer;
  sms: SmsSender;
  clock: Clock;
  /** The From address; by default the brand's name at hello@rapport.local. */
  sender: string | undefined;
  /** Where links in messages point: the local HTTP API. */
  publicBaseUrl: string;
  linkSecret: string;
  /** How often the sweep runs: the occasions' spread is cut to whole intervals (spreadOverSweeps). */
  sweepEveryMs?: number;
}

export type Handlers = Record<FunctionName, LambdaHandler<never, unknown>>;

/**
 * The queues between functions, inline: a message is delivered at once to its consumer's handler (invoked
 * as Lambda would be, by the event source mapping), so `npm start` and the simulator run the same
 * accept → ingest → start path as AWS, and a POST /events has been applied when it is answered.
 */
export interface LocalQueues {
  ingest: WorkQueue<IncomingEvent>;
  starts: WorkQueue<StartRequest>;
  /** Sweep work, and the journeys' execution ends (routeExecutionEnds), as the AWS rule puts them there. */
  sweep: WorkQueue<SweepWork | ExecutionStatusChange>;
}

export function localQueues(invoke: (fn: FunctionName, event: SQSEvent) => Promise<unknown>): LocalQueues {
  const consumer = (fn: FunctionName) => async (event: SQSEvent) =>
    (await invoke(fn, event)) as SQSBatchResponse;
  return {
    ingest: inlineQueue('rapport-ingest', consumer('ingest-event')),
    starts: inlineQueue('rapport-starts', consumer('start-journey')),
    sweep: inlineQueue('rapport-sweep', consumer('sweep-worker')),
  };
}

function stateMachinesOf(w: Workflows): Record<string, string> {
  return localStateMachineArns(w.journeys.map((j) => j.journey.id));
}

/** What both ways a customer moves along the lifecycle (an event, or time passing) need. */
export function lifecycleDepsOf(w: Workflows, wiring: HandlerWiring, queues: LocalQueues): LifecycleDeps {
  return {
    store: wiring.store,
    starter: queuedStarter(wiring.starter(stateMachinesOf(w)), queues.starts),
    clock: wiring.clock,
    ...lifecycleRules(w),
    calendar: spreadOverSweeps(w.calendar, wiring.sweepEveryMs),
    publisher: wiring.publisher,
  };
}

/** The same handler modules as on Lambda, wired to the workflows as loaded: rebuilt on each redeploy. */
export function buildHandlers(w: Workflows, wiring: HandlerWiring, queues: LocalQueues): Handlers {
  const { store, clock } = wiring;
  const lifecycleDeps = lifecycleDepsOf(w, wiring, queues);
  const observability = () => createObservability();
  const linkSecret = async () => wiring.linkSecret;
  const { brand, locales, defaultLocale } = w.settings;
  return {
    'accept-event': createAcceptEventHandler({
      ...observability(),
      store,
      clock,
      ingestQueue: queues.ingest,
      eventTimes: w.settings.events,
      customEvents: w.settings.customEvents,
    }),
    // Unpaced: locally there is no StartExecution quota to keep under.
    'start-journey': createStartJourneyHandler({
      ...observability(),
      store,
      starter: wiring.starter(stateMachinesOf(w)),
    }),
    'ingest-event': createIngestEventHandler({
      ...observability(),
      ...lifecycleDeps,
      sentiment: createLexiconClassifier(),
      eventTimes: w.settings.events,
    }),
    'send-message': sendMessageHandler(w, wiring, linkSecret),
    unsubscribe: unsubscribeHandler(w, wiring, linkSecret),
    'journey-step': createJourneyStepHandler({ ...observability(), store, clock }),
    sweep: createSweepHandler({
      ...observability(),
      ...lifecycleDeps,
      queue: queues.sweep,
    }),
    'sweep-worker': createSweepWorkerHandler({ ...observability(), ...lifecycleDeps }),
    feedback: createFeedbackHandler({
      ...observability(),
      ...lifecycleDeps,
      sentiment: createLexiconClassifier(),
      linkSecret,
      brandName: brand.name,
      locales,
      defaultLocale,
    }),
    'delivery-events': createDeliveryEventsHandler({ ...observability(), ...lifecycleDeps }),
  };
}

function sendMessageHandler(w: Workflows, wiring: HandlerWiring, linkSecret: () => Promise<string>) {
  const { store, clock } = wiring;
  return createSendMessageHandler({
    ...createObservability(),
    store,
    mailer: wiring.mailer,
    sms: wiring.sms,
    renderer: createRenderer(w),
    settings: w.settings,
    clock,
    sender: wiring.sender ?? `${w.settings.brand.name} <hello@rapport.local>`,
    publicBaseUrl: wiring.publicBaseUrl,
    linkSecret,
  });
}

function unsubscribeHandler(w: Workflows, wiring: HandlerWiring, linkSecret: () => Promise<string>) {
  const { brand, locales, defaultLocale, topics } = w.settings;
  return createUnsubscribeHandler({
    ...createObservability(),
    store: wiring.store,
    clock: wiring.clock,
    linkSecret,
    brandName: brand.name,
    locales,
    defaultLocale,
    topics,
    consentPolicy: w.settings.consent,
  });
}
