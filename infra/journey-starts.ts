import { Duration } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { workQueue } from './work-queue';

export interface JourneyStartsProps {
  functions: FunctionSettings;
  stateMachineArnPrefix: string;
}

/**
 * Journey starts, buffered: the functions that decide a start (ingest-event, feedback, sweep, sweep-worker)
 * put it on the start queue, and start-journey alone calls StartExecution, at scale.startsPerSecond
 * account-wide (each of at most scale.startConcurrency consumers keeps its share, domain/pacing.ts), so a
 * burst of events or a holiday's whole audience never meets StartExecution's throttle.
 */
export class JourneyStarts extends StackPart {
  readonly startJourney: HandlerFunction;
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: JourneyStartsProps) {
    super(scope, id);
    const { scale } = props.functions;
    this.startJourney = rapportFunction(this, 'StartJourney', props.functions, {
      name: 'start-journey',
      // A batch of 10 at its share of the rate takes well under this; a start whose turn would come after
      // it is handed back to the queue (StartDeferredError), and comes back after the visibility timeout.
      timeout: Duration.seconds(30),
      environment: { STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix },
    });
    ({ queue: this.queue, deadLetters: this.deadLetters } = workQueue(this, 'StartQueue', {
      name: 'starts',
      consumer: this.startJourney,
      // A throttled or deferred start is a failure of its message: more receives than elsewhere before
      // it is dead-lettered, so a backlog under throttling is retried, not parked.
      maxReceiveCount: 10,
      batchSize: 10,
      // Exactly what the pacing divides the rate by: more consumers would start faster than startsPerSecond.
      maxConcurrency: scale.startConcurrency,
    }));
  }
}
