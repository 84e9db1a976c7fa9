import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from '../functions/routes';
import { RapportDashboard } from './dashboard';
import type { HandlerFunction } from './handler-function';
import type { JourneyStateMachine } from './journey-state-machine';
import { openExecutions } from './open-executions';
import { queueBacklog, type WorkQueueView } from './queue-backlog';
import { StackPart } from './stack-part';

export interface ObservabilityProps {
  dashboardName: string;
  journeys: Record<string, JourneyStateMachine>;
  functions: Record<FunctionName, HandlerFunction>;
  httpApi: HttpApi;
  deadLetters: { title: string; queue: IQueue }[];
  /** The queues between functions: their backlog, graphed. */
  workQueues: readonly WorkQueueView[];
}

/** The dashboard and the alarms: is Rapport working, and is it near a limit. */
export class Observability extends StackPart {
  readonly dashboard: RapportDashboard;
  /** In alarm when Rapport opens executions fast enough to near the account's quota (open-executions.ts). */
  readonly openExecutionsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const open = openExecutions(this);
    this.openExecutionsAlarm = open.alarm;
    this.dashboard = new RapportDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      journeys: props.journeys,
      functions: props.functions,
      httpApi: props.httpApi,
      deadLetters: props.deadLetters,
      moreRows: [queueBacklog(props.workQueues), open.widgets],
    });
  }
}
