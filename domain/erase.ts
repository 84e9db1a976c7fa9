import { CHANNELS } from './config/ids';
import type { Clock } from './clock';
import { addressOn, suppressionKey } from './messages/policy';
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

/**
 * The right to erasure: everything Rapport knows about a customer goes, except a hash of each address on
 * the suppression list, so that they are never contacted again (not even if another system sends their
 * address anew). Order matters: suppress first, so that a send racing with the erasure is refused; stop
 * the executions; then delete. Idempotent: erasing an erased customer finds nothing and changes nothing.
 */
export async function eraseCustomer(customerId: string, deps: EraseDeps): Promise<EraseOutcome> {
  const now = deps.clock.now().toISOString();
  const profile = await deps.store.getProfile(customerId);
  let suppressed = 0;
  for (const channel of CHANNELS) {
    const address = profile && addressOn(profile, channel);
    if (!address) continue;
    const key = suppressionKey(channel, address);
    await deps.store.putSuppression({ key, channel, reason: 'erased', at: now, source: 'erasure' });
    await deps.store.forgetAddress(key, customerId);
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
