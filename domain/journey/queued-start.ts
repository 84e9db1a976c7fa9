import * as z from '../zod';
import { tombstoneKey } from '../erase';
import type { JourneyInput } from './compile/resources';
import type { CustomerStore, JourneyStarter } from '../ports';

/**
 * A message of the start queue (JourneyStarter.start on AWS puts it there; start-journey consumes it):
 * the StartRequest as enterJourneys made it. Checked on arrival, so a malformed body is a failure that
 * ends in the dead-letter queue, never a start with half an input.
 */
export const QueuedStart = z.object({
  journeyId: z.string().check(z.minLength(1)),
  executionName: z.string().check(z.minLength(1), z.maxLength(80)),
  input: z.looseObject({
    customerId: z.string().check(z.minLength(1)),
    journeyId: z.string().check(z.minLength(1)),
    journeyVersion: z.number(),
    trigger: z.looseObject({ eventId: z.string(), eventType: z.string(), at: z.string() }),
  }),
});
export type QueuedStart = z.infer<typeof QueuedStart>;

/**
 * What became of a queued start. `gone`: its journey entry is no longer there (the customer was erased
 * while the start waited). `converted`: a goal event ended the entry while the start waited. `preempted`:
 * a higher-priority journey of its exclusive group took the customer while the start waited.
 */
export type QueuedStartOutcome = 'started' | 'already-started' | 'gone' | 'converted' | 'preempted';

/**
 * One queued start: the entry enterJourneys wrote before queueing it says whether it should still
 * happen; then StartExecution under the deterministic name (a repeat is ExecutionAlreadyExists: done).
 * `beforeStart` is where the consumer waits its turn under the rate. The entry is read again after the
 * start: a goal (ingest records the conversion, then stops: see stopConverted) or an erasure (the
 * tombstone first, then the stops) that came between the first read and the start found nothing to
 * stop, so the execution is stopped here; with both sides writing before they stop, one of the two
 * always stops it.
 */
export async function startQueued(
  start: QueuedStart,
  deps: { store: CustomerStore; starter: JourneyStarter; beforeStart: () => Promise<void> },
): Promise<QueuedStartOutcome> {
  const before = await stillToStart(start, deps.store);
  if (before !== 'open') return before;
  await deps.beforeStart();
  const { executionArn, alreadyStarted } = await deps.starter.start({
    ...start,
    input: start.input as JourneyInput,
  });
  const after = await stillToStart(start, deps.store);
  if (after === 'open') return alreadyStarted ? 'already-started' : 'started';
  const error = { gone: 'CustomerErased', converted: 'GoalReached', preempted: 'Preempted' }[after];
  await deps.starter.stop(executionArn, { error, cause: `${after} while its start was queued` });
  return after;
}

/** The entry and the tombstone: the tombstone is an erasure's first write, its entries go last. */
async function stillToStart(start: QueuedStart, store: CustomerStore) {
  const { customerId } = start.input;
  const { journeyEntry: entry, tombstone } = await store.getCustomerFacts(customerId, {
    journeyEntry: { journeyId: start.journeyId, executionName: start.executionName },
    tombstoneKey: tombstoneKey(customerId),
  });
  const erased = tombstone && Date.parse(tombstone.erasedAt);
  if (!entry || (erased !== undefined && erased >= Date.parse(entry.enteredAt))) return 'gone';
  if (entry.converted) return 'converted';
  return entry.stopped ? 'preempted' : 'open';
}
