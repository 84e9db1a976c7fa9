import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Channel } from '../../domain/config/ids';
import type { IngestResult } from '../../domain/ingest';
import type { LifecyclePublisher, SkipReason } from '../../domain/ports';

/**
 * Business metrics with dimensions beyond `service`, beside the service-only aggregates of METRIC (which
 * the alarms read, and which stay as they are). Each name here with its dimensions is a separate
 * CloudWatch metric, billed once it has data: the dimension values are bounded sets known at synth
 * (journey ids, channels, skip reasons, stage and tier ids), never a customer id or an address. The
 * dashboard (infra/dashboard-business.ts) charts each combination explicitly.
 */
export const DIMENSIONED_METRIC = {
  /** Messages that went out, dimensions journey and channel (the channel used: email or sms). */
  messagesSent: 'MessagesSent',
  /** Sends that did not go out now, dimensions journey, channel (the step's) and reason (SKIP_REASONS). */
  messagesSkipped: 'MessagesSkipped',
  /** Sends that gave up after their retries, dimensions journey and channel (the step's). */
  messagesFailed: 'MessagesFailed',
  /** Messages found in doubt, dimensions journey and channel (the step's). */
  messagesInDoubt: 'MessagesInDoubt',
  /**
   * Conversions: a journey's goal event ended a customer's entry (its execution stops, Aborted), dimension
   * journey; an event that ended several journeys counts once, for the one it is attributed to.
   */
  goalReached: 'GoalReached',
  /** Customers who moved into a lifecycle stage (a new customer's first stage included), dimension stage. */
  stageEntered: 'StageEntered',
  /** Customers who moved out of a lifecycle stage, dimension stage. */
  stageLeft: 'StageLeft',
  tierEntered: 'TierEntered',
  tierLeft: 'TierLeft',
} as const;

/**
 * The channel dimension of a message metric: the channel a sent message went through, else the step's
 * own (`preferred` when the send stopped before it chose one).
 */
export type ChannelDimension = Channel | 'preferred';

/**
 * Publishes `name` at once with these dimensions (and the default `service`), in its own EMF document:
 * dimensions added to the handler's Metrics would apply to every metric it stores in the invocation,
 * multiplying them all (and two values of one dimension cannot share a document).
 */
export function countWith(metrics: Metrics, name: string, dimensions: Record<string, string>, n = 1): void {
  if (n <= 0) return;
  const single = singleOf(metrics);
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, n);
}

/**
 * Single-metric instances, one per handler's Metrics. Powertools' singleMetric() builds a whole Metrics
 * (a Console, the environment read again) on each call: a tenth of the simulator's CPU, and some of every
 * invocation's. Such an instance publishes and clears its dimensions at each addMetric, so reusing it
 * writes the same documents. The handler's default dimensions are copied when it is made, so Rapport
 * sets none (eslint refuses setDefaultDimensions and a defaultDimensions option). The disabled switch
 * (POWERTOOLS_METRICS_DISABLED) is read then too, as Lambda's environment never changes.
 */
const singles = new WeakMap<Metrics, Metrics>();

function singleOf(metrics: Metrics): Metrics {
  let single = singles.get(metrics);
  if (!single) {
    single = metrics.singleMetric();
    singles.set(metrics, single);
  }
  return single;
}

/** One message metric of a send step: per journey and channel (and reason for a skip). */
export function countMessage(
  metrics: Metrics,
  name: 'messagesSent' | 'messagesSkipped' | 'messagesFailed' | 'messagesInDoubt',
  dims: { journey: string; channel: ChannelDimension; reason?: SkipReason },
): void {
  const { reason, ...rest } = dims;
  countWith(metrics, DIMENSIONED_METRIC[name], reason ? { ...rest, reason } : rest);
}

/** One GoalReached per journey an event converted. */
export function countGoalsReached(metrics: Metrics, journeyIds: readonly string[]): void {
  for (const journey of journeyIds) countWith(metrics, DIMENSIONED_METRIC.goalReached, { journey });
}

/**
 * The publisher, counting each stage and tier change it announced: every way a customer moves (ingest,
 * the sweep, the recovery pass) announces its changes through it, so entries and exits per stage are
 * counted in one place. Counted after the announcement: a failed one is retried, and counted then. A
 * takeover after a crash announces again (the same ids), which may count a change twice.
 */
export function countingPublisher(publisher: LifecyclePublisher, metrics: Metrics): LifecyclePublisher {
  return {
    async publish(changes) {
      await publisher.publish(changes);
      for (const change of changes) {
        const [entered, left] =
          change.kind === 'stage'
            ? [DIMENSIONED_METRIC.stageEntered, DIMENSIONED_METRIC.stageLeft]
            : [DIMENSIONED_METRIC.tierEntered, DIMENSIONED_METRIC.tierLeft];
        if (change.from !== null) countWith(metrics, left, { [change.kind]: change.from });
        countWith(metrics, entered, { [change.kind]: change.to });
      }
    },
  };
}

/**
 * A new customer's first stage and tier: a profile is created in them (e.g. prospect, regular) without
 * an announced change, so ingest counts the entry here; the changes the event then made are the
 * publisher's to count.
 */
export function countNewCustomer(
  metrics: Metrics,
  result: Pick<IngestResult, 'created' | 'stage' | 'tier' | 'stageChanges' | 'tierChanges'>,
): void {
  if (!result.created) return;
  const stage = result.stageChanges[0]?.from ?? result.stage;
  const tier = result.tierChanges[0]?.from ?? result.tier;
  countWith(metrics, DIMENSIONED_METRIC.stageEntered, { stage });
  countWith(metrics, DIMENSIONED_METRIC.tierEntered, { tier });
}
