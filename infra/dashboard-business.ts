import { MathExpression, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Workflows } from '../domain/config/load';
import { SKIP_REASONS } from '../domain/ports';
import { DIMENSIONED_METRIC, type ChannelDimension } from '../functions/shared/journey-metrics';
import { customMetric } from './metrics-namespace';
import { graph, PERIOD } from './dashboard-widgets';

/** A journey as the dashboard shows it: its state machine, and the channels its send steps use. */
export interface JourneyView {
  id: string;
  stateMachine: StateMachine;
  /** Channel dimensions of its sent messages (the channel used: email, sms). */
  sentChannels: ChannelDimension[];
  /** Channel dimensions of its skipped, failed and in-doubt messages (the steps' channels). */
  stepChannels: ChannelDimension[];
}

/** The channels of a journey's send steps: `preferred` ends up as email or sms, or stays `preferred` unsent. */
export function journeyChannels(journey: Workflows['journeys'][number]['journey']): {
  sentChannels: ChannelDimension[];
  stepChannels: ChannelDimension[];
} {
  const steps = new Set<ChannelDimension>();
  for (const step of journey.steps) if (step.type === 'send') steps.add(step.channel);
  const sent = new Set<ChannelDimension>();
  for (const c of steps)
    for (const used of c === 'preferred' ? (['email', 'sms'] as const) : [c]) sent.add(used);
  const order = (set: Set<ChannelDimension>) =>
    (['email', 'sms', 'preferred'] as const).filter((c) => set.has(c));
  return { sentChannels: order(sent), stepChannels: order(steps) };
}

/**
 * One row per journey: its executions (started, goal reached, succeeded, failed, timed out; a goal stops
 * the execution, which Step Functions counts as Aborted, so GoalReached says which aborts were
 * conversions), its p99 duration, its messages per channel, and why its messages did not go out.
 */
export function journeyRows(namespace: string, journeys: readonly JourneyView[]): IWidget[][] {
  return journeys.map((j) => {
    const sm = j.stateMachine;
    const opts = { period: PERIOD, statistic: 'Sum' };
    const { messages, skipped } = journeyMessageMetrics(namespace, j);
    return [
      graph(
        `Journey ${j.id}: executions`,
        [
          sm.metricStarted({ ...opts, label: 'started' }),
          customMetric(namespace, DIMENSIONED_METRIC.goalReached, { journey: j.id }, 'goal reached'),
          sm.metricSucceeded({ ...opts, label: 'succeeded' }),
          sm.metricFailed({ ...opts, label: 'failed' }),
          sm.metricTimedOut({ ...opts, label: 'timed out' }),
          sm.metricAborted({ ...opts, label: 'aborted (goal reached or customer erased)' }),
        ],
        8,
      ),
      graph(
        `Journey ${j.id}: p99 duration (ms)`,
        [sm.metricTime({ period: PERIOD, statistic: 'p99', label: 'p99' })],
        4,
      ),
      graph(`Journey ${j.id}: messages per channel`, messages, 6),
      graph(`Journey ${j.id}: skipped, by reason and channel`, skipped, 6),
    ];
  });
}

/** A journey's messages per channel (sent, failed, in doubt), and those skipped by reason and channel. */
function journeyMessageMetrics(
  namespace: string,
  j: JourneyView,
): { messages: IMetric[]; skipped: IMetric[] } {
  const messages = [
    ...j.sentChannels.map((channel) =>
      customMetric(namespace, DIMENSIONED_METRIC.messagesSent, { journey: j.id, channel }, `sent ${channel}`),
    ),
    ...j.stepChannels.flatMap((channel) => [
      customMetric(
        namespace,
        DIMENSIONED_METRIC.messagesFailed,
        { journey: j.id, channel },
        `failed ${channel}`,
      ),
      customMetric(
        namespace,
        DIMENSIONED_METRIC.messagesInDoubt,
        { journey: j.id, channel },
        `in doubt ${channel}`,
      ),
    ]),
  ];
  const skipped = j.stepChannels.flatMap((channel) =>
    SKIP_REASONS.map((reason) =>
      customMetric(
        namespace,
        DIMENSIONED_METRIC.messagesSkipped,
        { journey: j.id, channel, reason },
        `${reason} (${channel})`,
      ),
    ),
  );
  return { messages, skipped };
}

/**
 * Customers moving between lifecycle stages and tiers: entries and exits per stage (and tier) in each
 * period, and the net change (entries − exits). Counted as each change is announced; a customer's first
 * stage is an entry with no exit, and an erasure is no exit (the customer's stage just ends).
 */
export function lifecycleRows(
  namespace: string,
  stages: readonly string[],
  tiers: readonly string[],
): IWidget[][] {
  const moves = (kind: 'stage' | 'tier', ids: readonly string[]) => {
    const [entered, left] =
      kind === 'stage'
        ? [DIMENSIONED_METRIC.stageEntered, DIMENSIONED_METRIC.stageLeft]
        : [DIMENSIONED_METRIC.tierEntered, DIMENSIONED_METRIC.tierLeft];
    const of = (name: string, id: string) => customMetric(namespace, name, { [kind]: id }, id);
    // Ids unique within the graph: every expression's metrics share its namespace of ids.
    const net = ids.map(
      (id, i) =>
        new MathExpression({
          expression: `FILL(in${i}, 0) - FILL(out${i}, 0)`,
          usingMetrics: { [`in${i}`]: of(entered, id), [`out${i}`]: of(left, id) },
          period: PERIOD,
          label: id,
        }),
    );
    const Kind = kind === 'stage' ? 'Stage' : 'Tier';
    return [
      graph(
        `${Kind} entries`,
        ids.map((id) => of(entered, id)),
        8,
      ),
      graph(
        `${Kind} exits`,
        ids.map((id) => of(left, id)),
        8,
      ),
      graph(`${Kind} net change (entries − exits)`, net, 8),
    ];
  };
  return [moves('stage', stages), moves('tier', tiers)];
}
