import { hash } from 'node:crypto';
import { CHANNELS } from './config/ids';
import type { Clock } from './clock';
import { ValidationError } from './errors';
import { addressOn, suppressionKey } from './messages/policy';
import { markAddressUsers } from './messages/suppress';
import type { CustomerStore, JourneyStarter } from './ports';

export interface EraseDeps {
  store: CustomerStore;
  starter: JourneyStarter;
  clock: Clock;
}

export interface EraseOutcome {
  customerId: string;
  /** Items deleted: the profile, events, messages, decisions, journey entries, waits. */
  deleted: number;
  /** Executions asked to stop (finished ones are left as they are). */
  stopped: number;
  /** Addresses kept, by hash only, on the suppression list. */
  suppressed: number;
}

/** The tombstone's key: a hash of the customer id, so the tombstone names no one. */
export function tombstoneKey(customerId: string): string {
  return hash('sha256', `customer:${customerId}`, 'hex');
}

/**
 * When the customer was last erased, if ever. What was issued or happened at or before that moment (an
 * old link, an event redelivered late) must change nothing: an erased customer never comes back from it.
 */
export async function erasedAt(store: CustomerStore, customerId: string): Promise<number | undefined> {
  const tombstone = await store.getTombstone(tombstoneKey(customerId));
  return tombstone ? Date.parse(tombstone.erasedAt) : undefined;
}

/** An event dated at or before its customer's erasure: it changes nothing, and retrying it never will. */
export class CustomerErasedError extends ValidationError {
  override readonly name: string = 'CustomerErasedError';
}

export function customerErasedError(event: { customerId: string; at: string }): CustomerErasedError {
  return new CustomerErasedError('Customer erased', [
    {
      source: 'request body',
      field: 'at',
      value: event.at,
      expected: `an event that happened after customer ${event.customerId} was erased: what happened before an erasure is not applied, so nothing erased comes back (a returning customer's new events start afresh)`,
    },
  ]);
}

/** True when a link issued at `iat` (epoch seconds) predates the customer's erasure. */
export async function linkOutlived(store: CustomerStore, claims: { customerId: string; iat: number }) {
  const erased = await erasedAt(store, claims.customerId);
  return erased !== undefined && claims.iat * 1000 <= erased;
}

/**
 * The right to erasure: everything Rapport knows about a customer goes, except a hash of each address on
 * the suppression list, so that they are never contacted again (not even if another system sends their
 * address anew), and a tombstone (a hash of the id and the time) that makes every earlier link and event
 * void. Order matters: the tombstone first, so that a link, an event or a send racing with the erasure is
 * refused (a send reads it with its facts and again right after its claim, and deletes its own claim when
 * it finds it: see messages/erased.ts); suppress; stop the executions; then delete, which removes the
 * claim of a send that was past its last check (its outcome write does not write it back). Completion is
 * this function's return (the API's 200): nothing of the customer's is left then, but for what a task
 * running in the same instant writes after the delete (a skip, deferral or pacing record of a send, a
 * journey step's failure record: README, known limitations). Idempotent:
 * erasing an erased customer finds nothing and changes nothing but the tombstone's time.
 */
export async function eraseCustomer(customerId: string, deps: EraseDeps): Promise<EraseOutcome> {
  const moment = deps.clock.now();
  const now = moment.toISOString();
  await deps.store.putTombstone({ key: tombstoneKey(customerId), erasedAt: now });
  const profile = await deps.store.getProfile(customerId);
  let suppressed = 0;
  for (const channel of CHANNELS) {
    const address = profile && addressOn(profile, channel);
    if (!address) continue;
    const key = suppressionKey(channel, address);
    const suppression = { reason: 'erased', at: now, source: 'erasure' } as const;
    await deps.store.putSuppression({ key, channel, ...suppression });
    await deps.store.forgetAddress(key, customerId);
    // Another customer sharing the address may have checked the list before this: a send of theirs
    // trusts their profile (see suppressionChecked), so it must say so now.
    await markAddressUsers({ channel, key, suppression }, [], deps.store, moment);
    suppressed++;
  }
  const executions = await deps.store.listAllJourneyEntries(customerId);
  for (const entry of executions)
    await deps.starter.stop(entry.executionArn, {
      error: 'CustomerErasedError',
      cause: 'the customer asked to be forgotten',
    });
  const deleted = await deps.store.deleteCustomer(customerId);
  return { customerId, deleted, stopped: executions.length, suppressed };
}
