import { createLexiconClassifier } from '../adapters/sentiment/lexicon';
import type { Clock } from '../domain/clock';
import type { Workflows } from '../domain/config/load';
import { spreadOverSweeps } from '../domain/journey/occasions';
import { createRenderer } from '../domain/messages/render';
import type {
  CustomerStore,
  JourneyStarter,
  LifecycleDeps,
  LifecyclePublisher,
  Mailer,
  SmsSender,
} from '../domain/ports';
import { createDeliveryEventsHandler } from '../functions/delivery-events/handler';
import { createFeedbackHandler } from '../functions/feedback/handler';
import { createIngestEventHandler } from '../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../functions/journey-step/handler';
import type { FunctionName } from '../functions/routes';
import { createSendMessageHandler } from '../functions/send-message/handler';
import { createObservability } from '../functions/shared/observability';
import { createSweepHandler } from '../functions/sweep/handler';
import { createSweepWorkerHandler } from '../functions/sweep-worker/handler';
import type { SweepWork } from '../domain/sweep';
import { inlineQueue } from './inline-queue';
import { createUnsubscribeHandler } from '../functions/unsubscribe/handler';
import type { LambdaHandler } from './lambda';
import { localStateMachineArn } from './stepfunctions';

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

/** What both ways a customer moves along the lifecycle (an event, or time passing) need. */
export function lifecycleDepsOf(w: Workflows, wiring: HandlerWiring): LifecycleDeps {
  const stateMachines = w.journeys.map((j) => [
    j.journey.id,
    localStateMachineArn(`rapport-${j.journey.id}`),
  ]);
  return {
    store: wiring.store,
    starter: wiring.starter(Object.fromEntries(stateMachines)),
    clock: wiring.clock,
    lifecycle: w.lifecycle,
    calendar: spreadOverSweeps(w.calendar, wiring.sweepEveryMs),
    publisher: wiring.publisher,
    journeys: w.journeys.map((j) => j.journey),
  };
}

/** Invokes a function by name as the Lambda runtime does (the deployment's invoke): a queue's consumer. */
export type Invoke = (fn: FunctionName, event: unknown) => Promise<unknown>;

/**
 * The same handler modules as on Lambda, wired to the workflows as loaded: rebuilt on each redeploy.
 * Queues are inline: a message is delivered at once, through `invoke`, to the function consuming it.
 */
export function buildHandlers(w: Workflows, wiring: HandlerWiring, invoke: Invoke): Handlers {
  const { store, clock } = wiring;
  const lifecycleDeps = lifecycleDepsOf(w, wiring);
  const observability = () => createObservability();
  const linkSecret = async () => wiring.linkSecret;
  const { brand, locales, defaultLocale, topics } = w.settings;
  return {
    'ingest-event': createIngestEventHandler({
      ...observability(),
      ...lifecycleDeps,
      sentiment: createLexiconClassifier(),
      eventTimes: w.settings.events,
    }),
    'send-message': createSendMessageHandler({
      ...observability(),
      store,
      mailer: wiring.mailer,
      sms: wiring.sms,
      renderer: createRenderer(w),
      settings: w.settings,
      clock,
      sender: wiring.sender ?? `${brand.name} <hello@rapport.local>`,
      publicBaseUrl: wiring.publicBaseUrl,
      linkSecret,
    }),
    unsubscribe: createUnsubscribeHandler({
      ...observability(),
      store,
      clock,
      linkSecret,
      brandName: brand.name,
      locales,
      defaultLocale,
      topics,
    }),
    'journey-step': createJourneyStepHandler({ ...observability(), store, clock }),
    sweep: createSweepHandler({
      ...observability(),
      ...lifecycleDeps,
      queue: inlineQueue<SweepWork>('rapport-sweep', (event) => invoke('sweep-worker', event) as never),
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
