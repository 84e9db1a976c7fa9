import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { createLexiconClassifier } from '../../adapters/sentiment/lexicon';
import type { LoadedJourney, Workflows } from '../../domain/config/load';
import type { IncomingEvent } from '../../domain/events/schema';
import { createRenderer } from '../../domain/messages/render';
import { createPacer, startConsumerRate } from '../../domain/pacing';
import type { JourneyStarter, LifecycleDeps, StartRequest } from '../../domain/ports';
import type { CoordinatorResult, SweepWork } from '../../domain/sweep';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createSendMessageHandler } from '../../functions/send-message/handler';
import { createObservability } from '../../functions/shared/observability';
import { createStartJourneyHandler, STARTS_SIDE_BY_SIDE } from '../../functions/start-journey/handler';
import { createSweepHandler } from '../../functions/sweep/handler';
import { createSweepWorkerHandler } from '../../functions/sweep-worker/handler';
import { DEFAULT_SWEEP_EVERY_MINUTES } from '../../infra/names';
import { visibilityTimeoutSeconds, WORK_QUEUES } from '../../infra/work-settings';
import { lifecycleDepsOf } from '../handlers';
import type { LambdaHandler } from '../lambda';
import type { CapacityModel } from './model';
import type { ModelQueue } from './sqs';

/** The work queues, as the stack deploys them (infra/work-settings.ts). */
export interface ModelQueues {
  ingest: ModelQueue<IncomingEvent>;
  starts: ModelQueue<StartRequest>;
  sweep: ModelQueue<SweepWork>;
}

/** What a scenario drives: the model, its queues, and the real handlers that are not queue consumers. */
export interface PipelineContext {
  model: CapacityModel;
  workflows: Workflows;
  queues: ModelQueues;
  /** LifecycleDeps over the model's ports: starts go on the start queue (queuedStarter), as on AWS. */
  lifecycle: LifecycleDeps;
  /** StartExecution itself, through the model's bucket: start-journey's starter. */
  direct: JourneyStarter;
  /** POST /events (API Gateway invokes it synchronously). */
  acceptEvent: LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
  /** The sweep coordinator (EventBridge Scheduler invokes it). */
  sweep: LambdaHandler<unknown, CoordinatorResult>;
}

export interface PipelineSpec {
  workflows: Workflows;
  /** The journeys Step Functions runs (their real compiled ASL). */
  journeys: readonly LoadedJourney[];
  /** Minutes between two sweeps (the occasions' spread is cut to them): the stack's default unless given. */
  sweepEveryMinutes?: number;
  /** Schedules the input (events, scheduled invocations) on the model's clock. */
  drive: (ctx: PipelineContext) => void | Promise<void>;
  /** True when the scenario's work is done (checked at every instant). */
  done: (ctx: PipelineContext) => boolean;
  /** Virtual time not to run past (ms since the epoch). */
  until?: number;
}

/**
 * Wires the stack's paths into the model with the real handlers: the ingest, start and sweep queues,
 * each consumed through an event source mapping with the stack's batch size, maximum concurrency (the
 * scale's), visibility timeout and maxReceiveCount; the journeys' tasks on send-message and journey-step.
 * Drives it and runs it until done; returns the context for the scenario's own checks.
 */
export async function runPipeline(model: CapacityModel, spec: PipelineSpec): Promise<PipelineContext> {
  const queue = <T>(name: keyof typeof WORK_QUEUES) =>
    model.queue<T>(name, {
      visibilityTimeoutSeconds: visibilityTimeoutSeconds(WORK_QUEUES[name]),
      maxReceiveCount: WORK_QUEUES[name].maxReceiveCount,
    });
  const queues: ModelQueues = {
    ingest: queue('ingest'),
    starts: queue('starts'),
    sweep: queue('sweep'),
  };
  const ctx = context(model, spec, queues);
  model.deployJourneys(spec.journeys, journeyTasks(ctx));
  const { scale } = model.options;
  const consume = <T>(name: keyof typeof WORK_QUEUES, q: ModelQueue<T>, handler: SqsHandler, max: number) =>
    model.consume(q, WORK_QUEUES[name].consumer, handler, {
      batchSize: WORK_QUEUES[name].batchSize,
      maximumConcurrency: max,
    });
  consume('ingest', queues.ingest, ingestEvent(ctx), scale.ingestConcurrency);
  consume('starts', queues.starts, startJourney(ctx), scale.startConcurrency);
  consume('sweep', queues.sweep, sweepWorker(ctx), scale.sweepConcurrency);
  await spec.drive(ctx);
  await model.run({ done: () => spec.done(ctx), ...(spec.until ? { until: spec.until } : {}) });
  return ctx;
}

type SqsHandler = LambdaHandler<SQSEvent, SQSBatchResponse | void>;

/** A middy handler as the event source mapping invokes it (middy's type adds an optional callback). */
const sqsHandler = (handler: unknown) => handler as SqsHandler;

function context(model: CapacityModel, spec: PipelineSpec, queues: ModelQueues): PipelineContext {
  const { ports } = model;
  const w = spec.workflows;
  const lifecycle = lifecycleDepsOf(
    w,
    {
      store: ports.store,
      publisher: ports.publisher,
      starter: (arns) => ports.starter(arns),
      mailer: ports.mailer,
      sms: ports.sms,
      clock: ports.clock,
      sender: undefined,
      publicBaseUrl: 'https://rapport.example',
      linkSecret: 'capacity',
      sweepEveryMs: (spec.sweepEveryMinutes ?? DEFAULT_SWEEP_EVERY_MINUTES) * 60_000,
    },
    queues,
  );
  return {
    model,
    workflows: w,
    queues,
    lifecycle,
    direct: ports.starter(model.stateMachineArns([...w.journeys, ...spec.journeys])),
    acceptEvent: createAcceptEventHandler({
      ...createObservability(),
      store: ports.store,
      clock: ports.clock,
      ingestQueue: queues.ingest,
      eventTimes: w.settings.events,
    }),
    sweep: createSweepHandler({ ...createObservability(), ...lifecycle, queue: queues.sweep }),
  };
}

function ingestEvent(ctx: PipelineContext): SqsHandler {
  return sqsHandler(
    createIngestEventHandler({
      ...createObservability(),
      ...ctx.lifecycle,
      sentiment: createLexiconClassifier(),
      eventTimes: ctx.workflows.settings.events,
    }),
  );
}

/**
 * start-journey as functions/start-journey/index.ts wires it: each consumer paced at its share of
 * startsPerSecond (one pacer per concurrent consumer, as each Lambda instance keeps its own bucket).
 */
function startJourney(ctx: PipelineContext): SqsHandler {
  const { clock } = ctx.model;
  const rate = startConsumerRate(ctx.model.options.scale);
  const instances: SqsHandler[] = [];
  const idle: SqsHandler[] = [];
  const instance = () =>
    sqsHandler(
      createStartJourneyHandler({
        ...createObservability(),
        store: ctx.model.ports.store,
        starter: ctx.direct,
        pacer: createPacer(rate, { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) }),
        concurrency: STARTS_SIDE_BY_SIDE,
      }),
    );
  // An execution environment serves one invocation at a time, and keeps its pacer between them.
  return async (event, context) => {
    const handler = idle.pop() ?? (instances.push(instance()), instances[instances.length - 1]!);
    try {
      return await handler(event, context);
    } finally {
      idle.push(handler);
    }
  };
}

function sweepWorker(ctx: PipelineContext): SqsHandler {
  return sqsHandler(createSweepWorkerHandler({ ...createObservability(), ...ctx.lifecycle }));
}

/** The Step Functions tasks: the real send-message and journey-step, over the model's ports. */
export function journeyTasks(ctx: Pick<PipelineContext, 'model' | 'workflows'>) {
  const { ports } = ctx.model;
  const w = ctx.workflows;
  return {
    sendMessage: createSendMessageHandler({
      ...createObservability(),
      store: ports.store,
      mailer: ports.mailer,
      sms: ports.sms,
      renderer: createRenderer(w),
      settings: w.settings,
      clock: ports.clock,
      sender: `${w.settings.brand.name} <hello@rapport.example>`,
      publicBaseUrl: 'https://rapport.example',
      linkSecret: async () => 'capacity',
    }) as LambdaHandler<never, unknown>,
    journeyStep: createJourneyStepHandler({
      ...createObservability(),
      store: ports.store,
      clock: ports.clock,
    }) as LambdaHandler<never, unknown>,
  };
}
