import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { FunctionName } from '../functions/routes';
import { SKIP_REASONS } from '../domain/ports';
import { METRIC, skippedMetric } from '../functions/shared/observability';
import { rapportAlarm, type RunbookKey } from './alarm';
import { StackAlarmsWidget } from './dashboard-health';
import type { DeadLetterView } from './delivery-alarms';
import type { HandlerFunction } from './handler-function';
import { rapportMetric } from './metrics-namespace';
import { graph, PERIOD } from './dashboard-widgets';

export interface RapportDashboardProps {
  dashboardName: string;
  functions: Record<FunctionName, HandlerFunction>;
  httpApi: HttpApi;
  /** Work that failed for good, each queue with what it holds: anything in one needs a person. */
  deadLetters: readonly DeadLetterView[];
  /** Rows right below the alarms: journeys, messages, lifecycle (dashboard-business.ts). */
  businessRows?: IWidget[][];
  /** Rows after these, e.g. open executions against the quota (open-executions.ts). */
  moreRows?: IWidget[][];
}

/** One screen answering "is Rapport working?": events in, journeys run, emails out, errors. */
export class RapportDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** One per dead-letter queue, in alarm while it holds anything: an event, a sweep or a bounce lost. */
  readonly deadLetterAlarms: Alarm[];
  /** In alarm while any send step gives up after its retries (recorded `failed`; the journey goes on). */
  readonly messagesFailedAlarm: Alarm;
  /** In alarm while any message is found in doubt (it may or may not have gone out; never sent again). */
  readonly messagesInDoubtAlarm: Alarm;
  /** In alarm when the sweep parks a customer: their data needs a person (see domain/due.ts). */
  readonly parkedAlarm: Alarm;
  /** In alarm when an occasion is found more than a day late and not started: a greeting never sent. */
  readonly occasionsMissedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RapportDashboardProps) {
    super(scope, id);
    const rows: IWidget[][] = [
      ...introRows(this, props.businessRows ?? []),
      ...volumeRows(this),
      functionRow(props),
      sweepRow(this, props.functions.sweep.fn),
    ];
    const deadLetters = this.deadLetters(props.deadLetters);
    this.deadLetterAlarms = deadLetters.alarms;
    rows.push(deadLetters.row);

    [this.messagesFailedAlarm, this.messagesInDoubtAlarm] = this.failedMessages(rows);
    [this.parkedAlarm, this.occasionsMissedAlarm] = sweepAlarms(this);
    rows.push([
      new AlarmStatusWidget({
        title: 'Parked by the sweep, occasions missed',
        alarms: [this.parkedAlarm, this.occasionsMissedAlarm],
        width: 6,
        height: 4,
      }),
    ]);

    rows.push(...(props.moreRows ?? []));
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, widgets: rows });
  }

  /** Each dead-letter queue's depth, and an alarm on it. */
  private deadLetters(views: readonly DeadLetterView[]): { alarms: Alarm[]; row: IWidget[] } {
    const deadLetters = views.map(({ key, title, queue }) => ({
      key,
      title,
      queue,
      depth: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    }));
    const alarms = deadLetters.map(({ key, title, queue, depth }) =>
      // Named after the queue, not its position: reordering the list must not replace the alarms.
      anyAlarm(this, `${queue.node.id}Alarm`, depth, {
        runbook: 'dead-letters',
        subject: key,
        description: `${title}: look at the messages in the queue, fix the cause, then redrive them`,
      }),
    );
    const row = [
      ...deadLetters.map(
        ({ title, depth }) => new SingleValueWidget({ title, metrics: [depth], width: 6, height: 4 }),
      ),
      new AlarmStatusWidget({ title: 'Dead letters', alarms, width: 6, height: 4 }),
    ];
    return { alarms, row };
  }

  /**
   * Sends that gave up for good, and messages in doubt: each is a customer who missed a message (or may
   * have), so one is worth a look.
   */
  private failedMessages(rows: IWidget[][]): [Alarm, Alarm] {
    const failed = rapportMetric(this, METRIC.messagesFailed);
    const inDoubt = rapportMetric(this, METRIC.messagesInDoubt);
    const alarms: [Alarm, Alarm] = [
      anyAlarm(this, 'MessagesFailedAlarm', failed, {
        runbook: 'messages-failed',
        description:
          'A send step gave up after its retries: find the message records with status "failed" and their error, fix the cause',
      }),
      anyAlarm(this, 'MessagesInDoubtAlarm', inDoubt, {
        runbook: 'messages-in-doubt',
        description:
          'A message may or may not have gone out (its provider answer was lost, or its send stopped between the claim and the answer): find the message records with status "in-doubt" (inDoubtReason says why) and look for their message key in the provider\'s log; they are never sent again',
      }),
    ];
    rows.push([
      new GraphWidget({
        title: 'Messages that failed for good, or are in doubt',
        left: [failed, inDoubt],
        width: 18,
        height: 4,
        period: PERIOD,
      }),
      new AlarmStatusWidget({ title: 'Failed messages', alarms, width: 6, height: 4 }),
    ]);
    return alarms;
  }
}

/**
 * In alarm while `metric` shows anything at all: a dead letter, a parked customer, a failed send each
 * needs a person. A metric that is published only when something happens has no datapoint otherwise,
 * which is fine.
 */
function anyAlarm(
  scope: Construct,
  id: string,
  metric: IMetric,
  what: { runbook: RunbookKey; subject?: string; description: string },
): Alarm {
  return rapportAlarm(scope, id, {
    ...what,
    metric,
    threshold: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

const custom = (scope: Construct, ...names: string[]) => names.map((name) => rapportMetric(scope, name));

/** The title, every alarm of the stack (those in ALARM first: is anything wrong?), then the business rows. */
function introRows(scope: Construct, businessRows: IWidget[][]): IWidget[][] {
  return [
    [
      new TextWidget({
        markdown:
          '# Rapport\nEvents in, journeys run, messages out (or held back, and why). From the top: every ' +
          'alarm (in ALARM first; README "Runbook: alarms" says what to do), each journey, customers per ' +
          'stage and tier, volumes, dead letters, then email and SMS as the providers saw them, the ' +
          'functions, the API and the queues.',
        width: 24,
        height: 2,
      }),
    ],
    [new StackAlarmsWidget(scope)],
    ...businessRows,
  ];
}

function volumeRows(scope: Construct): IWidget[][] {
  return [
    [
      graph(
        'Events',
        custom(
          scope,
          METRIC.eventsQueued,
          METRIC.eventsIngested,
          METRIC.duplicateEvents,
          METRIC.invalidEvents,
          METRIC.erasures,
        ),
      ),
      graph(
        'Journeys and lifecycle',
        custom(
          scope,
          METRIC.journeysStarted,
          METRIC.executionsStarted,
          // Queued starts refused for the rate (retried from the queue) or no longer wanted.
          METRIC.startsThrottled,
          METRIC.startsSkippedErased,
          METRIC.startsSkippedConverted,
          METRIC.decisions,
          METRIC.profileUpdates,
          METRIC.stageChanges,
          METRIC.customersSwept,
        ),
      ),
      graph(
        'Messages',
        custom(
          scope,
          METRIC.emailsSent,
          METRIC.smsSent,
          METRIC.messagesSkipped,
          METRIC.unsubscribes,
          METRIC.suppressions,
          METRIC.feedbackReceived,
        ),
      ),
    ],
    reasonRow(scope),
  ];
}

/** Why messages were held back, and what became of those that went. */
function reasonRow(scope: Construct): IWidget[] {
  return [
    graph(
      'Why messages did not go out',
      SKIP_REASONS.map((reason) => rapportMetric(scope, skippedMetric(reason))),
      18,
    ),
    graph(
      'Engagement (deliveries, opens, clicks)',
      custom(scope, METRIC.emailsDelivered, METRIC.emailsOpened, METRIC.emailsClicked, METRIC.textsDelivered),
      6,
    ),
  ];
}

function functionRow({ functions, httpApi }: RapportDashboardProps): IWidget[] {
  const fns = Object.entries(functions);
  return [
    graph(
      'Lambda errors',
      fns.map(([name, f]) => f.fn.metricErrors({ label: name, period: PERIOD })),
    ),
    graph(
      'Lambda throttles',
      fns.map(([name, f]) => f.fn.metricThrottles({ label: name, period: PERIOD })),
    ),
    graph('HTTP API errors', [
      httpApi.metricClientError({ label: '4xx', period: PERIOD }),
      httpApi.metricServerError({ label: '5xx', period: PERIOD }),
    ]),
  ];
}

function sweepRow(scope: Construct, sweep: HandlerFunction['fn']): IWidget[] {
  return [
    new GraphWidget({
      title: 'Sweep duration (ms)',
      left: [
        sweep.metricDuration({ label: 'Maximum', statistic: 'Maximum', period: PERIOD }),
        sweep.metricDuration({ label: 'Average', statistic: 'Average', period: PERIOD }),
      ],
      // A sweep that reaches its timeout leaves the rest of the due customers to the next one.
      leftAnnotations: sweep.timeout ? [{ value: sweep.timeout.toMilliseconds(), label: 'timeout' }] : [],
      width: 8,
      height: 6,
      period: PERIOD,
    }),
    graph('Sweeps', [
      sweep.metricInvocations({ label: 'Invocations', period: PERIOD }),
      sweep.metricErrors({ label: 'Errors', period: PERIOD }),
      // Handed to the workers, and whether a run stopped at its deadline or found the last one running.
      ...custom(scope, METRIC.customersQueued, METRIC.sweepShardsLeft, METRIC.sweepsOverlapped),
      ...custom(scope, METRIC.customersSwept),
      // Events finished for a delivery that died after claiming them: each is a delivery gone wrong.
      ...custom(scope, METRIC.eventsRecovered, METRIC.eventRecoveriesFailed),
    ]),
    graph(
      'Customers the sweep could not process',
      custom(scope, METRIC.sweepItemsParked, METRIC.sweepItemsFailed, METRIC.occasionsMissed),
    ),
  ];
}

/** Customers the sweep parked, and occasions it found too late to start. */
function sweepAlarms(scope: Construct): [Alarm, Alarm] {
  return [
    anyAlarm(scope, 'SweepItemsParkedAlarm', rapportMetric(scope, METRIC.sweepItemsParked), {
      runbook: 'sweep-parked',
      description:
        'The sweep parked customers it could not process (out of the due index): read the "customer parked by the sweep" log lines and the `parked` record on each profile, fix the data, then write the profile again',
    }),
    anyAlarm(scope, 'OccasionsMissedAlarm', rapportMetric(scope, METRIC.occasionsMissed), {
      runbook: 'occasions-missed',
      description:
        'The sweep found a holiday or birthday more than a day after its due time and did not start it: read the "occasion missed" log lines; look at the sweep queue backlog and the sweeps left unfinished (SweepShardsLeft), and raise scale.sweepConcurrency or the sweep frequency',
    }),
  ];
}
