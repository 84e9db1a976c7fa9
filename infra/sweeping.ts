import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';
import { grantLifecycleAnnouncements } from './events-api';
import type { HandlerFunction } from './handler-function';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { SweepSchedule } from './sweep-schedule';

export interface SweepingProps {
  functions: FunctionSettings;
  scheduleName: string;
  /** Minutes between two sweeps. */
  everyMinutes: number;
  eventBus: IEventBus;
  stateMachineArnPrefix: string;
}

/**
 * Time passing: the schedule that runs the sweep, which advances the customers whose due time has come
 * (dormancy, lost, date-triggered journeys) and finishes abandoned events.
 */
export class Sweeping extends StackPart {
  readonly sweep: HandlerFunction;
  readonly schedule: SweepSchedule;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: SweepingProps) {
    super(scope, id);
    // Sweeps that Scheduler could not deliver, and sweeps that failed: a signal only, since the next sweep
    // reads the index afresh and does whatever the missed one would have done.
    this.deadLetters = deadLetterQueue(this, 'SweepDeadLetters');
    this.sweep = rapportFunction(this, 'Sweep', props.functions, {
      name: 'sweep',
      // A sweep that runs out of time leaves the rest of the index to the next one.
      timeout: Duration.minutes(5),
      deadLetterQueue: this.deadLetters,
      environment: {
        STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
      },
    });
    grantLifecycleAnnouncements(props.eventBus, this.sweep.fn);
    // Invoked by the schedule only: a failed sweep is not retried by Lambda (the next one redoes it), and an
    // invocation still queued when the next sweep is due is dropped.
    this.sweep.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(props.everyMinutes, 6 * 60)),
    });
    this.schedule = new SweepSchedule(this, 'SweepSchedule', {
      scheduleName: props.scheduleName,
      target: this.sweep.fn,
      everyMinutes: props.everyMinutes,
      deadLetterQueue: this.deadLetters,
    });
  }
}
