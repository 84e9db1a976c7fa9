import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LoadedJourney, Workflows } from '../../domain/config/load';
import type { LifecycleDeps, WorkQueue } from '../../domain/ports';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createSendMessageHandler } from '../../functions/send-message/handler';
import { createObservability } from '../../functions/shared/observability';
import { createRenderer } from '../../domain/messages/render';
import { lifecycleDepsOf } from '../handlers';
import type { LambdaHandler } from '../lambda';
import type { CapacityModel } from './model';
import type { ModelQueue, MappingSettings, QueueSettings } from './sqs';

/** What a stage's handler is built from: the model's ports and queues, and the workflows. */
export interface PipelineContext {
  model: CapacityModel;
  workflows: Workflows;
  /** The modelled queues by name, as WorkQueue ports for producers. */
  queues: Record<string, WorkQueue<unknown>>;
  /** LifecycleDeps over the model's ports (store, StartExecution through its bucket, clock…). */
  lifecycle: LifecycleDeps;
}

/**
 * One queue and its consumer: how round 2 plugs a new function in. `handler` builds the real handler
 * (its factory, from `ctx`); the model delivers the queue to it through an event source mapping.
 */
export interface StageSpec {
  queue: string;
  settings: QueueSettings;
  fn: string;
  mapping: MappingSettings;
  handler: (ctx: PipelineContext) => LambdaHandler<SQSEvent, SQSBatchResponse | void>;
}

export interface PipelineSpec {
  workflows: Workflows;
  /** The journeys Step Functions runs (their real compiled ASL). */
  journeys: readonly LoadedJourney[];
  stages: readonly StageSpec[];
  /** Schedules the input (events, scheduled invocations) on the model's clock. */
  drive: (ctx: PipelineContext) => void | Promise<void>;
  /** True when the scenario's work is done (checked at every instant). */
  done: (ctx: PipelineContext) => boolean;
  /** Virtual time not to run past (ms since the epoch). */
  until?: number;
}

/**
 * Wires a pipeline of queues and consumers into the model, with the journeys' tasks on the real
 * send-message and journey-step handlers, drives it and runs it until done. Returns the context for
 * the scenario's own checks; the figures are `ctx.model.figures()`.
 */
export async function runPipeline(model: CapacityModel, spec: PipelineSpec): Promise<PipelineContext> {
  const queues: Record<string, ModelQueue<unknown>> = {};
  for (const stage of spec.stages) queues[stage.queue] = model.queue(stage.queue, stage.settings);
  const { ports } = model;
  const lifecycle = lifecycleDepsOf(spec.workflows, {
    store: ports.store,
    publisher: ports.publisher,
    starter: () => ports.starter(model.stateMachineArns(spec.journeys)),
    mailer: ports.mailer,
    sms: ports.sms,
    clock: ports.clock,
    sender: undefined,
    publicBaseUrl: 'https://rapport.example',
    linkSecret: 'capacity',
  });
  const ctx: PipelineContext = { model, workflows: spec.workflows, queues, lifecycle };
  model.deployJourneys(spec.journeys, journeyTasks(ctx));
  for (const stage of spec.stages)
    model.consume(queues[stage.queue]!, stage.fn, stage.handler(ctx), stage.mapping);
  await spec.drive(ctx);
  await model.run({ done: () => spec.done(ctx), ...(spec.until ? { until: spec.until } : {}) });
  return ctx;
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
