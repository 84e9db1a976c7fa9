import type { Channel, Currency } from '../config/ids';
import type { Parked } from '../due';

/** Why a stage changed: an event, or time passing (an inactivity threshold reached, found by the sweeper). */
export type StageChangeCause = { kind: 'event'; eventId: string; eventType: string } | { kind: 'timer' };

/** A change of stage or of tier: the same record, kept in `stageHistory` or `tierHistory`. */
export interface StageChange {
  from: string | null;
  to: string;
  /** Business time: when the causing event happened, or when the inactivity threshold was reached. */
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

export interface RecentPurchase {
  eventId: string;
  at: string;
  amount: number;
  currency: Currency;
}

export type ConsentStatus = 'subscribed' | 'unsubscribed';

/** One consent choice and where it came from (an unsubscribe link, the preference centre, an event). */
export interface ConsentRecord {
  status: ConsentStatus;
  at: string;
  source: string;
  /**
   * The latest time the same choice was stated again (a form saved, an event resent): an opposite choice
   * older than this is older than the customer's latest word. `at` and `source` stay those of the choice.
   */
  confirmedAt?: string;
}

/**
 * What the customer said. A channel or topic they said nothing about is `unknown` (so is the implied
 * email record of first contact, source `default`): settings.yaml `consent` says whether marketing may use
 * it; an explicit `unsubscribed` always wins.
 */
export interface Consent {
  email: ConsentRecord;
  sms?: ConsentRecord;
  /** Per topic of marketing (settings.yaml `topics`), across channels. */
  topics?: Record<string, ConsentRecord>;
}

export type SuppressionReason = 'bounce' | 'complaint' | 'opt-out' | 'erased';

/** An address that must never be contacted again (a hard bounce, a complaint, STOP). Beats any consent. */
export interface Suppression {
  reason: SuppressionReason;
  at: string;
  source: string;
}

/** Where a consent choice applies: a channel, or a topic of marketing (across channels). */
export type ConsentScope = Channel | `topic:${string}`;

/** One change of the consent on record, as `consentHistory` keeps it (see domain/profile/histories.ts). */
export interface ConsentChangeRecord extends ConsentRecord {
  scope: ConsentScope;
}

/**
 * One change of a channel's suppression, as `suppressionHistory` keeps it: marked (a bounce, a complaint,
 * STOP, another user's erasure), or lifted because the customer gave the channel a new address.
 */
export type SuppressionChange =
  | ({ channel: Channel; change: 'suppressed' } & Suppression)
  | { channel: Channel; change: 'lifted'; at: string; source: string };

export type Mood = 'happy' | 'neutral' | 'unhappy';

export type SentimentLabel = 'positive' | 'neutral' | 'mixed' | 'negative';

/**
 * One survey answer or complaint as `feedbackHistory` keeps it: what it said, never the customer's words
 * (free text is personal and long: only the latest stays, in `feedback.comment`), just that there were some.
 */
export interface FeedbackRecord {
  eventId: string;
  at: string;
  kind: 'nps' | 'csat' | 'complaint';
  /** The survey's score (nps 0–10, csat 1–5); absent for a complaint. */
  score?: number;
  sentiment?: SentimentLabel;
  /** The answer came with a comment (or the complaint with a text). */
  commented?: true;
  /** How it left the customer; unknown for an answer an older profile had on file without its mood. */
  mood?: Mood;
}

interface Dated {
  at: string;
  eventId: string;
}

/** What the customer told us: latest survey answers, sentiment, complaints. */
export interface FeedbackState {
  nps?: Dated & { score: number };
  csat?: Dated & { score: number };
  sentiment?: Dated & { label: SentimentLabel };
  lastComplaintAt?: string;
  /** The latest free text (a survey comment or a complaint), for the person who follows up. Erased with the profile. */
  comment?: Dated & { text: string };
}

/** A customer as Rapport knows them. Stored as one item; `version` guards every write. */
export interface Profile {
  customerId: string;
  stage: string;
  stageHistory: StageChange[];
  /** The customer's class (e.g. vip, regular), from the lifecycle's tier rules. */
  tier: string;
  tierHistory: StageChange[];
  /** Attributes the customer's systems send (e.g. assetsUnderManagement), tested by tier and stage rules. */
  attributes?: Record<string, string | number | boolean>;
  /** Labels journeys set with `update` steps (e.g. invited-to-evening), tested by `branch`. */
  tags?: string[];
  feedback?: FeedbackState;
  /** Every survey answer and complaint, the latest HISTORY_CAP by business time. Absent on older profiles. */
  feedbackHistory?: FeedbackRecord[];
  /** How the latest feedback left the customer: unhappy pauses marketing and starts service recovery. */
  mood?: Dated & { value: Mood };
  /** No marketing message until then (a complaint, a detractor score…): sends wait for it. */
  marketingPausedUntil?: string;
  /** 0–100, see domain/profile/relationship.ts: recency, frequency, spend, satisfaction, sentiment. */
  relationship?: { score: number; at: string };
  /**
   * The latest event by business time: `branch` can test its type, and a declared event's properties
   * (those not personal data, see shareableProperties).
   */
  lastEvent?: {
    eventId: string;
    type: string;
    at: string;
    properties?: Record<string, string | number | boolean>;
  };
  email?: string;
  /** E.164, e.g. +8613800138000. */
  phone?: string;
  /** The channel `send` steps with `channel: preferred` try first. */
  preferredChannel?: Channel;
  firstName?: string;
  locale?: string;
  timeZone?: string;
  /**
   * Per field an event gives (`email`, `phone`, `locale`…, and `attributes.<name>`): the business time of
   * the event that set it, as its source stated it (see givenFields: an older event does not override it).
   * A field with no time (set before this was kept) may be set by any event.
   */
  givenAt?: Record<string, string>;
  firstPurchase?: FirstPurchase;
  firstPurchaseSmall?: boolean;
  purchaseCount: number;
  lastPurchaseAt?: string;
  /**
   * Purchases inside the lifecycle's longest look-back window (and always the last two), oldest first:
   * what stage rules such as `purchasesWithin` and `returnedAfter` are evaluated on.
   */
  recentPurchases: RecentPurchase[];
  /** The time the stage was last evaluated at: timers before it have already been applied. */
  evaluatedAt: string;
  /**
   * The next time the sweeper must look at this customer: an inactivity threshold that may change the
   * stage, or a date a journey starts on (birthday, holiday). Absent when nothing is due.
   */
  dueAt?: string;
  /** Set when the sweep could not process this customer and took them out of the due index (see domain/due.ts). */
  parked?: Parked;
  /** Date-triggered journeys (birthdays, holidays) have been started for every date up to this time. */
  occasionsCheckedAt?: string;
  /** The earliest bound of the customer's waiting journey entries (journey/waiting.ts): due by then. */
  waitingUntil?: string;
  consent: Consent;
  /**
   * Every change of the consent on record, in the order applied (the latest HISTORY_CAP): the last entry
   * of a scope is its record in `consent`. Absent on profiles no change has reached since it was added.
   */
  consentHistory?: ConsentChangeRecord[];
  /** Channels whose current address must not be used: set by bounces, complaints and SMS opt-outs. */
  suppressed?: Partial<Record<Channel, Suppression>>;
  /** Every change of `suppressed`, in the order applied (the latest HISTORY_CAP); absent like consentHistory. */
  suppressionHistory?: SuppressionChange[];
  /**
   * Per channel, the suppression key (a hash, see suppressionKey) of the address ingest found unlisted or
   * marked in `suppressed`, having remembered the customer as its user so any later suppression marks this
   * profile: while it is the current address's key, a send need not read the list. Absent: read it.
   */
  suppressionChecked?: Partial<Record<Channel, string>>;
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
