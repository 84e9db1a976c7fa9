import { Duration } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { workQueue } from './work-queue';
import { FUNCTION_TIMEOUT_SECONDS } from './work-settings';

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
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['start-journey']),
      environment: { STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix },
    });
    ({ queue: this.queue, deadLetters: this.deadLetters } = workQueue(this, 'StartQueue', {
      name: 'starts',
      consumer: this.startJourney,
      // Exactly what the pacing divides the rate by: more consumers would start faster than startsPerSecond.
      maxConcurrency: scale.startConcurrency,
    }));
  }
}
