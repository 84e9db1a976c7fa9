import type { Currency } from '../config/ids';

export type StageChangeCause = { kind: 'event'; eventId: string; eventType: string };

export interface StageChange {
  from: string | null;
  to: string;
  /** Business time: when the causing event happened. */
  at: string;
  cause: StageChangeCause;
}

export interface FirstPurchase {
  eventId: string;
  at: string;
  amount: number;
  currency: Currency;
  small: boolean;
}

export type ConsentStatus = 'subscribed' | 'unsubscribed';

/** A customer as Rapport knows them. Stored as one item; `version` guards every write. */
export interface Profile {
  customerId: string;
  stage: string;
  stageHistory: StageChange[];
  email?: string;
  firstName?: string;
  locale?: string;
  timeZone?: string;
  firstPurchase?: FirstPurchase;
  firstPurchaseSmall?: boolean;
  purchaseCount: number;
  lastPurchaseAt?: string;
  consent: { email: { status: ConsentStatus; at: string; source: string } };
  /**
   * The most recent event ids applied to this profile. A retried ingest that crashed after the
   * profile write but before recording the event finds its id here and does not apply it again.
   */
  recentEventIds: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const RECENT_EVENT_IDS = 50;

/** Profile fields a journey's `entry.where` may test. */
export const FILTERABLE_FIELDS = [
  'stage',
  'firstPurchaseSmall',
  'locale',
  'timeZone',
  'purchaseCount',
] as const;
export type FilterableField = (typeof FILTERABLE_FIELDS)[number];
