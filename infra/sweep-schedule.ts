import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** `rate(60 minutes)`: the Scheduler expression for a sweep every `minutes` (whole, at least 1). */
export function sweepRate(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/** Scheduler keeps retrying a delivery for at most this long: never past the next sweep, within 1 min–24 h. */
export function sweepDeliveryMaxAge(minutes: number): Duration {
  return Duration.minutes(Math.min(Math.max(minutes, 1), 24 * 60));
}

/**
 * The LambdaInvoke target of aws-scheduler-targets, except that its role may invoke only the unqualified
 * ARN it targets: LambdaInvoke uses `grantInvoke`, which also allows every version and alias (`:*`).
 * Role creation (with the confused-deputy conditions), the dead-letter queue grant and the retry policy
 * are the base class's.
 */
class InvokeUnqualifiedFunction extends ScheduleTargetBase {
  constructor(fn: IFunction, props: ScheduleTargetBaseProps) {
    super(props, fn.functionArn);
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.targetArn] }),
    );
  }
}

export interface SweepScheduleProps {
  scheduleName: string;
  /** The sweep function, invoked asynchronously with no input (the clock says what is due). */
  target: IFunction;
  everyMinutes: number;
  /** Where Scheduler puts an invocation it could not deliver after its retries. */
  deadLetterQueue: IQueue;
}

/**
 * An EventBridge Scheduler schedule that invokes the sweep every `everyMinutes` minutes, exactly on the
 * rate (no flexible window). A failed delivery (throttling, service error) is retried with backoff until
 * the next sweep is due, then dead-lettered: the next sweep covers whatever this one would have done.
 */
export class SweepSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: SweepScheduleProps) {
    super(scope, id);
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: props.scheduleName,
      description: `Rapport: sweeps the customers whose inactivity threshold has come, every ${props.everyMinutes} min`,
      schedule: ScheduleExpression.expression(sweepRate(props.everyMinutes)),
      timeWindow: TimeWindow.off(),
      target: new InvokeUnqualifiedFunction(props.target, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 5,
        maxEventAge: sweepDeliveryMaxAge(props.everyMinutes),
      }),
    });
  }
}
