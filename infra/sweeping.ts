import { Duration } from 'aws-cdk-lib';
import { Match, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  END_STATUSES,
  EXECUTION_EVENT_SOURCE,
  EXECUTION_STATUS_CHANGE,
} from '../domain/journey/execution-end';
import { STATE_MACHINE_NAME_PREFIX } from '../domain/journey/state-machine-name';
import { deadLetterQueue } from './dead-letter-queue';
import { grantLifecycleAnnouncements } from './events-api';
import type { HandlerFunction } from './handler-function';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { SweepSchedule } from './sweep-schedule';
import { workQueue } from './work-queue';
import { FUNCTION_TIMEOUT_SECONDS } from './work-settings';

export interface SweepingProps {
  functions: FunctionSettings;
  scheduleName: string;
  /** Minutes between two sweeps. */
  everyMinutes: number;
  eventBus: IEventBus;
  stateMachineArnPrefix: string;
  /** Where the coordinator (its recovery pass) and the workers put the journey starts they decide. */
  startQueue: IQueue;
}

/**
 * Time passing: the schedule that runs the sweep coordinator, which reads every due shard and hands the
 * customers whose due time has come to the sweep workers through the sweep queue (and finishes abandoned
 * events); the workers advance them (dormancy, lost, date-triggered journeys), scale.sweepConcurrency at
 * most at once.
 */
export class Sweeping extends StackPart {
  readonly sweep: HandlerFunction;
  readonly schedule: SweepSchedule;
  readonly deadLetters: Queue;
  readonly sweepWorker: HandlerFunction;
  readonly queue: Queue;
  /** Customers' turns that kept failing: `npx rapport redrive sweep` once the cause is fixed. */
  readonly queueDeadLetters: Queue;
  /** The journeys' execution ends, from the default bus to the sweep queue (see executionEnds). */
  readonly executionEnds: Rule;

  constructor(scope: Construct, id: string, props: SweepingProps) {
    super(scope, id);
    // Sweeps that Scheduler could not deliver, and sweeps that failed: a signal only, since the next sweep
    // reads the index afresh and does whatever the missed one would have done.
    this.deadLetters = deadLetterQueue(this, 'SweepDeadLetters');
    const lifecycleEnvironment = {
      STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix,
      EVENT_BUS_NAME: props.eventBus.eventBusName,
      START_QUEUE_URL: props.startQueue.queueUrl,
      // The occasions' spread is cut to whole sweep intervals (domain/journey/occasions.ts).
      SWEEP_EVERY_MINUTES: String(props.everyMinutes),
    };
    this.sweepWorker = rapportFunction(this, 'SweepWorker', props.functions, {
      name: 'sweep-worker',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['sweep-worker']),
      environment: lifecycleEnvironment,
    });
    ({ queue: this.queue, deadLetters: this.queueDeadLetters } = workQueue(this, 'SweepQueue', {
      name: 'sweep',
      consumer: this.sweepWorker,
      maxConcurrency: props.functions.scale.sweepConcurrency,
    }));
    this.sweep = rapportFunction(this, 'Sweep', props.functions, {
      name: 'sweep',
      // The coordinator stops 30 s before this (SWEEP_SAFETY_MARGIN_MS) and the next run resumes from its
      // cursors. Its lease (one conditional write) keeps it to one run at a time: a run that finds it held
      // ends at once (SweepsOverlapped). No reserved concurrency: the lease is enough, and a reservation
      // would take from the account's unreserved pool (and fail to deploy in a small account).
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.sweep),
      deadLetterQueue: this.deadLetters,
      environment: { ...lifecycleEnvironment, SWEEP_QUEUE_URL: this.queue.queueUrl },
    });
    this.queue.grantSendMessages(this.sweep.fn);
    for (const f of [this.sweep, this.sweepWorker]) {
      grantLifecycleAnnouncements(props.eventBus, f.fn);
      props.startQueue.grantSendMessages(f.fn);
    }
    // Invoked by the schedule only: a failed sweep is not retried by Lambda (the next one redoes it), and an
    // invocation still queued when the next sweep is due is dropped.
    this.sweep.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(props.everyMinutes, 6 * 60)),
    });
    this.executionEnds = this.executionEndRule(props.stateMachineArnPrefix);
    this.schedule = new SweepSchedule(this, 'SweepSchedule', {
      scheduleName: props.scheduleName,
      target: this.sweep.fn,
      everyMinutes: props.everyMinutes,
      deadLetterQueue: this.deadLetters,
    });
  }

  /**
   * Step Functions puts every Standard execution's status changes on the account's default bus; the
   * ends of the journeys' executions (their state machines alone, by name prefix: the stage's, then
   * `rapport-`) go to the sweep queue, whose worker records each on its journey entry, freeing the
   * customer's exclusive group at once (domain/journey/execution-end.ts). The default bus, so no bus
   * property: what EventBridge cannot queue goes to the sweep's dead-letter queue, a signal only, as a
   * lost end holds the group until the entry's `activeUntil`, no longer.
   */
  private executionEndRule(stateMachineArnPrefix: string): Rule {
    return new Rule(this, 'ExecutionEndRule', {
      description: 'The ends of the journeys executions go to the sweep queue (recorded on their entries)',
      eventPattern: {
        source: [EXECUTION_EVENT_SOURCE],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: {
          status: [...END_STATUSES],
          stateMachineArn: Match.prefix(`${stateMachineArnPrefix}${STATE_MACHINE_NAME_PREFIX}`),
        },
      },
      targets: [
        new SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
