import type { PacingRecord } from './messages/policy';
import type {
  JourneyEntryRecord,
  MessageRecord,
  StoredEvent,
  SuppressionRecord,
  TombstoneRecord,
} from './ports';
import type { Profile } from './profile/profile';

/**
 * Which of one customer's items to read together (CustomerStore.getCustomerFacts), each only if asked for:
 * what one step decides from, in one round trip instead of one read each.
 */
export interface FactsWanted {
  profile?: boolean;
  pacing?: boolean;
  eventId?: string;
  messageKey?: string;
  journeyEntry?: { journeyId: string; executionName: string };
  /** The customer's erasure tombstone, kept apart under a hash of their id (see tombstoneKey). */
  tombstoneKey?: string;
  /** Addresses' entries on the suppression list (see suppressionKey): not the customer's items, same read. */
  suppressionKeys?: readonly string[];
}

/** What getCustomerFacts found: a part is absent when it was not asked for or there is none. */
export interface CustomerFacts {
  profile?: Profile;
  pacing?: PacingRecord;
  event?: StoredEvent;
  message?: MessageRecord;
  journeyEntry?: JourneyEntryRecord;
  tombstone?: TombstoneRecord;
  /** The listed ones among `suppressionKeys`; absent when none is. */
  suppressions?: SuppressionRecord[];
}
