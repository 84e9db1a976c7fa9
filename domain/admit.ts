import { customerErasedError, tombstoneKey } from './erase';
import { fingerprintOf, refuseReuse } from './event-claim';
import { isErasure, type IncomingEvent } from './events/schema';
import type { CustomerStore } from './ports';

/**
 * What the HTTP API can still answer at once for a valid event, before it is queued for ingest: one read
 * of the customer's tombstone and the event's record together, no write. Throws CustomerErasedError (410) for an
 * event from before its customer's erasure, and EventIdReusedError (409) for an id already used with
 * another payload; `duplicate` for one already fully handled (nothing to queue); `new` otherwise, and
 * ingest decides, exactly once, as for any delivery (a race these reads cannot see, such as two
 * different payloads under one id queued at once, ends in the dead-letter queue, refused there).
 */
export async function admitEvent(event: IncomingEvent, store: CustomerStore): Promise<'new' | 'duplicate'> {
  // An erasure request is applied whatever was before it; it names no event to compare.
  if (isErasure(event)) return 'new';
  const { tombstone, event: stored } = await store.getCustomerFacts(event.customerId, {
    tombstoneKey: tombstoneKey(event.customerId),
    eventId: event.eventId,
  });
  if (tombstone && Date.parse(event.at) <= Date.parse(tombstone.erasedAt)) throw customerErasedError(event);
  if (!stored) return 'new';
  refuseReuse(stored, fingerprintOf(event), event);
  // A claim may be a delivery that died: queued again, ingest takes it over once its lease passes.
  return stored.state === 'claimed' ? 'new' : 'duplicate';
}
