import type { Workflows } from '../domain/config/load';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS } from '../domain/journey/compile';
import type { LifecycleDeps } from '../domain/ports';
import type { FunctionName } from '../functions/routes';
import { EVENT_BUS, type LocalEventBus } from './eventbridge';
import {
  buildHandlers,
  lifecycleDepsOf,
  localQueues,
  type Handlers,
  type HandlerWiring,
  type LocalQueues,
} from './handlers';
import { invokeLambda, localLambdaArn } from './lambda';
import type { LocalStepFunctions } from './stepfunctions';

const SEND_MESSAGE_ARN = localLambdaArn('rapport-send-message');
const JOURNEY_STEP_ARN = localLambdaArn('rapport-journey-step');

/**
 * What `cdk deploy` puts on AWS, on this machine: the workflows, the Lambda handlers wired to them, and a
 * state machine per journey whose tasks invoke those handlers.
 */
export class LocalDeployment {
  private current: Workflows;
  private handlers: Handlers;
  /** The queues between functions, delivering to the handlers deployed at the time of delivery. */
  readonly queues: LocalQueues = localQueues((fn, event) => this.invoke(fn, event));

  constructor(
    workflows: Workflows,
    private readonly wiring: HandlerWiring,
    private readonly stepFunctions: LocalStepFunctions,
    private readonly bus: LocalEventBus,
    /** Told of every invocation, how long it took (real time) and its event: the simulator's usage. */
    private readonly onInvoke?: (fn: FunctionName, ms: number, event: unknown) => void,
  ) {
    this.handlers = buildHandlers(workflows, wiring, this.queues);
    this.deployJourneys(workflows);
    this.current = workflows;
  }

  /** The workflows deployed now. */
  get workflows(): Workflows {
    return this.current;
  }

  /** Invokes a function's handler as the Lambda runtime does. */
  async invoke(fn: FunctionName, event: unknown): Promise<unknown> {
    if (!this.onInvoke) return invokeLambda(`rapport-${fn}`, this.handlers[fn], event as never);
    const started = performance.now();
    try {
      return await invokeLambda(`rapport-${fn}`, this.handlers[fn], event as never);
    } finally {
      this.onInvoke(fn, performance.now() - started, event);
    }
  }

  /** What the lifecycle needs (store, journey starter, clock…), for the workflows deployed now. */
  lifecycleDeps(): LifecycleDeps {
    return lifecycleDepsOf(this.current, this.wiring, this.queues);
  }

  /**
   * Deploys validated workflows: executions in flight finish on the definition they started with; new
   * entries start on the new one.
   */
  redeploy(next: Workflows): void {
    this.handlers = buildHandlers(next, this.wiring, this.queues);
    this.deployJourneys(next);
    this.current = next;
  }

  private deployJourneys(w: Workflows): void {
    this.stepFunctions.deploy(
      w.journeys,
      {
        [SUBSTITUTIONS.sendMessage]: SEND_MESSAGE_ARN,
        [SUBSTITUTIONS.journeyStep]: JOURNEY_STEP_ARN,
        [SUBSTITUTIONS.eventBus]: EVENT_BUS,
      },
      {
        [SEND_MESSAGE_ARN]: (input) => this.invoke('send-message', input),
        [JOURNEY_STEP_ARN]: (input) => this.invoke('journey-step', input),
        // The journeys' events:putEvents integration goes straight to the same local bus.
        [PUT_EVENTS_RESOURCE]: async (input) => this.bus.putEvents(input as never),
      },
    );
  }
}
