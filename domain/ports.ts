import type { JourneyInput } from './journey/compile';
import type { Profile, StageChange } from './profile/profile';

/** What Rapport remembers about one ingested event: the dedupe record and a line of the customer's timeline. */
export interface EventRecord {
  customerId: string;
  eventId: string;
  type: string;
  at: string;
  receivedAt: string;
  stageChanges: StageChange[];
  tierChanges: StageChange[];
  executions: { journeyId: string; executionName: string; executionArn?: string }[];
}

export type MessageStatus = 'sending' | 'sent' | 'skipped' | 'in-doubt';
export type SkipReason = 'unsubscribed' | 'no-address';

/** One message a journey step produced (or decided not to), keyed by execution and step. */
export interface MessageRecord {
  customerId: string;
  /** Deterministic per execution and step: the idempotency key of a send. */
  messageKey: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  executionId: string;
  channel: 'email';
  template: string;
  status: MessageStatus;
  reason?: SkipReason;
  locale?: string;
  to?: string;
  subject?: string;
  providerMessageId?: string;
  createdAt: string;
  sentAt?: string;
}

export interface CustomerStore {
  getProfile(customerId: string): Promise<Profile | undefined>;
  /** Writes `profile` only if the stored version is `profile.version - 1`; else throws VersionConflictError. */
  putProfile(profile: Profile): Promise<void>;
  /** Customers whose `dueAt` is at or before `now`: only they are read, whatever the population. */
  listDue(now: string, limit: number): Promise<string[]>;
  getEvent(customerId: string, eventId: string): Promise<EventRecord | undefined>;
  putEvent(record: EventRecord): Promise<void>;
  getMessage(customerId: string, messageKey: string): Promise<MessageRecord | undefined>;
  /** Creates the record only if none exists for this key. Returns false when one already did. */
  claimMessage(record: MessageRecord): Promise<boolean>;
  updateMessage(record: MessageRecord): Promise<void>;
  /** Removes a claim that provably never reached the provider, so a retry may send. */
  releaseMessage(customerId: string, messageKey: string): Promise<void>;
}

export interface JourneyStarter {
  /** Starts an execution; starting one that already exists under this name is not an error. */
  start(request: {
    journeyId: string;
    executionName: string;
    input: JourneyInput;
  }): Promise<{ executionArn: string; alreadyStarted: boolean }>;
}

export interface RawEmail {
  /** RFC 5322 Message-ID: deterministic per execution and step, so a receiver can dedupe too. */
  messageId: string;
  /** The Date header, from the injected clock. */
  date: Date;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  tags: Record<string, string>;
}

export interface Mailer {
  /** Sends one email and returns the provider's message id. */
  send(email: RawEmail): Promise<{ messageId: string }>;
}
