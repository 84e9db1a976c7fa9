import { percentBucket } from './bucket';
import type { ControlGroup } from './config/interplay';

/**
 * Whether a customer is in the global control group: their place in [0, 100) from a hash of the salt
 * and the customer id, below `percent`. Stable for as long as the salt is; a new salt draws anew. Its
 * own module (no schema, no condition code): the send-message bundle has little room.
 */
export function inControlGroup(customerId: string, group: ControlGroup | undefined): boolean {
  if (!group || group.percent <= 0) return false;
  return controlBucket(customerId, group.salt) < group.percent;
}

/** A customer's place in [0, 100) under a salt (never a split's: '#control' is no journey id). */
export function controlBucket(customerId: string, salt: string): number {
  return percentBucket('#control', salt, customerId);
}
