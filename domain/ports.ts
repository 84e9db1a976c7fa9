import type { CustomEvents } from './events/custom';
import type { Clock } from './clock';
import type { Calendar, JourneyInput } from './journey/compile';
import type { DecisionExplanation } from './journey/explain';
import type { Journey } from './journey/schema';
import type { Lifecycle } from './lifecycle/schema';
import type { Channel } from './config/ids';
import type { ExclusiveGroups } from './config/interplay';
import type { CustomerEvent, Sentiment } from './events/schema';
import type { PacingRecord } from './messages/policy';
import type { MessageRecord } from './message-record';
import type { ExecutionEnded, JourneyEntryRecord, SkippedEntry } from './journey-entry-record';
export type { EntryRef, ExecutionEnded, JourneyEntryRecord, SkippedEntry } from './journey-entry-record';
import type { Profile, StageChange, StageChangeCause, SuppressionReason } from './profile/profile';
import type { CustomerFacts, FactsWanted } from './customer-facts';
import type { ExperimentRecord, ExperimentTally, SplitExposure } from './experiments/records';

export type { CustomerFacts, FactsWanted };
export type { ArmFigures, ExperimentRecord, ExperimentTally, SplitExposure } from './experiments/records';
export {
  IN_DOUBT_REASONS,
  SKIP_REASONS,
  type InDoubtReason,
  type MessageRecord,
  type MessageStatus,
  type SkipReason,
} from './message-record';

/**
 * The identity of an event's payload, to tell a redelivery (the same payload) from an event id reused for
 * another event. Hashes only, salted with the customer and event ids: no personal data is kept.
 */
export interface EventFingerprint {
  /** A hash of the canonical payload (RFC 8785 JSON; `at` as the instant it denotes). */
  payload: string;
  /** A short hash per top-level field and per `customer.*` field, so a conflict can say what differs. */
  fields: Record<string, string>;
}

/**
 * A delivery's claim on an event while it applies it: only the holder applies, announces and starts
 * journeys. A claim whose lease has passed was left by a delivery that stopped; the next one takes over.
 */
export interface EventClaim {
  customerId: string;
  eventId: string;
  type: string;
  at: string;
  state: 'claimed';
  fingerprint: EventFingerprint;
  /** Names this delivery's claim: every later write of the record is conditional on it. */
  claimId: string;
  claimedAt: string;
  leaseUntil: string;
  /**
   * The event itself, kept while it is claimed so that a recovery pass can finish it when its delivery
   * died and the source never delivers it again (an HTTP client that gave up, a local crash). It is
   * personal data, but it sits in the customer's own partition, which already holds their profile and
   * which erasure deletes whole; the `done` record that replaces the claim keeps only hashes.
   * Absent on claims written before recovery existed: only a redelivery finishes those.
   */
  event?: CustomerEvent;
}

/** What Rapport remembers about one ingested event: the dedupe record and a line of the customer's timeline. */
export interface EventRecord {
  customerId: string;
  eventId: string;
  type: string;
  at: string;
  /** Absent on records written before claims existed: they too mean "handled". */
  state?: 'done';
  fingerprint?: EventFingerprint;
  claimId?: string;
  receivedAt: string;
  stageChanges: StageChange[];
  tierChanges: StageChange[];
  conversions: { journeyId: string; executionName: string }[];
  executions: { journeyId: string; executionName: string; executionArn?: string }[];
  /** Entries the event would have started but an exclusive group held back; absent when none. */
  skippedEntries?: SkippedEntry[];
  /** An engagement event (email-opened…): the message it was about, and the link of a click. */
  about?: { key: string; journeyId: string; stepId: string; link?: string };
}

export type StoredEvent = EventClaim | EventRecord;

/**
 * Where a claim that may be stale is: its record is read again (consistently) before anything is done
 * with it, and the record, not the index, says whether its lease has passed.
 */
export interface StaleClaim {
  customerId: string;
  eventId: string;
}

/** One item of the due index: a customer whose due time has come, or an event claim (see CLAIM_DUE). */
export type DueWork =
  | { kind: 'customer'; customerId: string; /** Their due value, as the index keeps it. */ dueAt: string }
  | ({ kind: 'claim' } & StaleClaim);

/** A place in a due shard: a customer's due value (as the index keeps it) and id, which ties are ordered by. */
export interface DuePlace {
  dueAt: string;
  customerId: string;
}

/**
 * Where the sweep coordinator left off, by due shard number: the last customer it handed to the workers
 * in that shard, and when (see domain/sweep-coordinator.ts for how long that is trusted).
 */
export type SweepCursors = Record<string, DuePlace & { handedOutAt: string }>;

/**
 * What erasure leaves of a customer: when it happened, under a hash of the customer id, and nothing else.
 * Links issued and events dated before it are refused, so an erased customer never comes back from them.
 */
export interface TombstoneRecord {
  key: string;
  erasedAt: string;
}

/** The path a customer took at a branch or split of one execution: kept for measurement, and so a retry agrees. */
export interface DecisionRecord {
  customerId: string;
  decisionKey: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  executionId: string;
  kind: 'branch' | 'split';
  path: string;
  holdout: boolean;
  at: string;
  /** How it was decided (conditions checked, or the split's bucket); absent on records made before it was kept. */
  explanation?: DecisionExplanation;
}

/** A journey waiting for an event from this customer (a wait-for-event step): resumed by ingest. */
export interface AwaitRecord {
  customerId: string;
  awaitKey: string;
  event: string;
  /** An engagement wait (email-clicked…): the message it waits on; its awaitKey begins engagementSubject. */
  messageKey?: string;
  taskToken: string;
  journeyId: string;
  stepId: string;
  executionId: string;
  since: string;
}

export interface CustomerStore {
  getProfile(customerId: string): Promise<Profile | undefined>;
  /**
   * The items `wanted` names, read consistently in one request (BatchGetItem): each as its own getter
   * would return it. The parts are read together, not as of one instant: a write between them may show.
   */
  getCustomerFacts(customerId: string, wanted: FactsWanted): Promise<CustomerFacts>;
  /** Writes `profile` only if the stored version is `profile.version - 1`; else throws VersionConflictError. */
  putProfile(profile: Profile): Promise<void>;
  /**
   * The sweep's one read of the due index: every event claim that keeps its event (in its lease or not),
   * and the customers whose due time is at or before `now`, in pages of at most `pageSize`, index order
   * (a shard's claims before its customers). Only they are read, whatever the population. Pages move on
   * through the index (an item left due does not come back in the same pass), so nothing at the front of
   * the index can hide the rest.
   */
  listDueWork(now: string, pageSize: number): AsyncIterable<DueWork[]>;
  /** How many due shards this store writes customers into (scale.dueShards); it reads every one below. */
  readonly dueShards: number;
  /**
   * One shard's part of listDueWork: its claims, then its customers due at or before `now`, in index
   * order; with `after`, only the customers after that place (claims sort before every customer).
   */
  listDueShard(shard: number, now: string, pageSize: number, after?: DuePlace): AsyncIterable<DueWork[]>;
  /**
   * Takes the sweep coordinator's lease until `until` (a conditional write), if nobody holds it or the
   * holder's has passed at `now`; gives back where the last run left off, or undefined when it is held.
   */
  takeSweepLease(holder: string, now: string, until: string): Promise<SweepCursors | undefined>;
  /** Keeps `cursors` and lets the lease go, if `holder` still holds it; false when it no longer does. */
  leaveSweepLease(holder: string, cursors: SweepCursors): Promise<boolean>;
  getEvent(customerId: string, eventId: string): Promise<StoredEvent | undefined>;
  /**
   * Writes the event's record only if none exists (`holder` omitted: a first claim), or if the one there is
   * a claim named `holder` (a takeover, or the holder marking the event done). False when that is not so.
   */
  writeEvent(record: StoredEvent, holder?: string): Promise<boolean>;
  /**
   * Every event claim that keeps its event, in its lease or not, in pages of at most `pageSize`: the part
   * of the due index before every due time (claims leave it when marked done or released), so no due
   * customer is read. Also reads where an earlier layout of the index kept claims, so that a claim left
   * by a crash before an upgrade is found (the local start-up pass, its only caller, runs once).
   */
  listClaims(pageSize: number): AsyncIterable<StaleClaim[]>;
  /** Deletes the claim named `holder`, if it is still there: a failed delivery gives way at once. */
  releaseEvent(customerId: string, eventId: string, holder: string): Promise<void>;
  getTombstone(key: string): Promise<TombstoneRecord | undefined>;
  putTombstone(record: TombstoneRecord): Promise<void>;
  getMessage(customerId: string, messageKey: string): Promise<MessageRecord | undefined>;
  /**
   * Creates the record only if none exists for this key, or the one there is `deferred` (quiet hours:
   * the same send is tried again later). Returns false when another record already holds the key.
   */
  claimMessage(record: MessageRecord): Promise<boolean>;
  updateMessage(record: MessageRecord): Promise<void>;
  /**
   * Writes `record` only if the stored one is still the `sending` claim made at `claimedAt` (undefined:
   * a claim from before `claimedAt` existed). False when it is not: another writer settled it first.
   */
  settleClaim(record: MessageRecord, claimedAt: string | undefined): Promise<boolean>;
  listJourneyEntries(customerId: string, journeyId: string): Promise<JourneyEntryRecord[]>;
  putAwait(record: AwaitRecord): Promise<void>;
  listAwaits(customerId: string, event: string): Promise<AwaitRecord[]>;
  deleteAwait(customerId: string, awaitKey: string): Promise<void>;
  /**
   * Writes each record, replacing any entry under its execution name, and remembers each address use (as
   * rememberAddress), in as few requests as the store allows (none for none). Not atomic: a failure may
   * leave some written, which a retry writes again.
   */
  putJourneyEntries(records: readonly JourneyEntryRecord[], addresses?: readonly AddressUse[]): Promise<void>;
  /**
   * Records the end of an entry's execution on the entry, in one conditional write: only if the entry
   * exists (an erased customer's is never recreated) and has no end yet. False when it wrote nothing.
   */
  recordJourneyEnd(
    entry: Pick<JourneyEntryRecord, 'customerId' | 'journeyId' | 'executionName'>,
    ended: ExecutionEnded,
  ): Promise<boolean>;
  /** Stores the decision unless one exists for its key; returns the stored one either way. */
  recordDecision(record: DecisionRecord): Promise<DecisionRecord>;
  /** Removes a claim that provably never reached the provider, so a retry may send. */
  releaseMessage(customerId: string, messageKey: string): Promise<void>;
  getPacing(customerId: string): Promise<PacingRecord | undefined>;
  /** Writes only if the stored version is `record.version - 1`; else throws VersionConflictError. */
  putPacing(record: PacingRecord): Promise<void>;
  /** The address-level suppression list (see suppressionKey): outlives profiles. */
  getSuppression(key: string): Promise<SuppressionRecord | undefined>;
  putSuppression(record: SuppressionRecord): Promise<void>;
  /**
   * Remembers that a message went to this address for this customer, so that a reply (STOP) or a
   * bounce naming only the address leads back to the customer. Keyed by hash, like suppressions.
   */
  rememberAddress(key: string, customerId: string): Promise<void>;
  listAddressUsers(key: string): Promise<string[]>;
  forgetAddress(key: string, customerId: string): Promise<void>;
  /** Every journey the customer entered, any journey. */
  listAllJourneyEntries(customerId: string): Promise<JourneyEntryRecord[]>;
  /** Deletes every item of the customer (profile, events, messages, …); returns how many there were. */
  deleteCustomer(customerId: string): Promise<number>;
  /** A stored decision, as recordDecision stored it. */
  getDecision(customerId: string, decisionKey: string): Promise<DecisionRecord | undefined>;
  /**
   * The split decisions of one step made after `after` and at or before `through` (ISO times), page by
   * page, in no particular order: the experiments' evaluation reads each once (see domain/experiments).
   */
  listSplitExposures(
    journeyId: string,
    stepId: string,
    range: { after: string; through: string },
    pageSize: number,
  ): AsyncIterable<SplitExposure[]>;
  getExperiment(journeyId: string, stepId: string): Promise<ExperimentRecord | undefined>;
  /** Stores the verdict unless one exists for the split; returns the stored one either way (the first stands). */
  recordExperiment(record: ExperimentRecord): Promise<ExperimentRecord>;
  getExperimentTally(journeyId: string, stepId: string): Promise<ExperimentTally | undefined>;
  putExperimentTally(tally: ExperimentTally): Promise<void>;
}

/** A customer using an address (see rememberAddress): by hash only, like suppressions. */
export interface AddressUse {
  key: string;
  customerId: string;
}

/** An address never to be contacted again, kept by hash only. */
export interface SuppressionRecord {
  key: string;
  channel: Channel;
  reason: SuppressionReason;
  at: string;
  source: string;
}

/**
 * Work handed from one function to another through a queue (SQS on AWS; delivered at once, in process,
 * locally and in the simulator). `send` returns once every message is durable in the queue, and throws if
 * any is not: the caller then fails too and is retried, so a message is never silently lost. Consumers
 * get at-least-once delivery and must be idempotent.
 */
export interface WorkQueue<T> {
  send(messages: readonly T[]): Promise<void>;
}

/** One journey start: the execution's name is deterministic, so starting it again is a no-op. */
export interface StartRequest {
  journeyId: string;
  executionName: string;
  input: JourneyInput;
}

export interface JourneyStarter {
  /**
   * The ARN the execution has (or will have) under this name: known before it starts, so the journey
   * entry naming it is written first and a queued start can check its entry (see enterJourneys).
   */
  executionArn(request: Pick<StartRequest, 'journeyId' | 'executionName'>): string;
  /**
   * Starts an execution, or (on AWS) puts the start on the start queue, which start-journey consumes at
   * a bounded rate; starting one that already exists under this name is not an error.
   */
  start(request: StartRequest): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Resumes a waiting task (SendTaskSuccess); `gone` when it timed out or its execution ended. */
  resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
  /** Stops an execution if it is still running (a goal reached); a finished one is left as it is. */
  stop(executionArn: string, reason: { error: string; cause: string }): Promise<void>;
}

/**
 * A stage or tier change, as other systems see it (a CRM, analytics, a data warehouse). `id` is the same
 * each time the same change is published, so a consumer can drop the repeats a retry may cause.
 */
export interface LifecycleChange {
  id: string;
  customerId: string;
  kind: 'stage' | 'tier';
  from: string | null;
  to: string;
  /** Business time of the change. */
  at: string;
  cause: StageChangeCause;
}

/** Where lifecycle changes are announced (on AWS: the Rapport EventBridge bus). At least once. */
export interface LifecyclePublisher {
  publish(changes: readonly LifecycleChange[]): Promise<void>;
}

/** What both ways a customer moves along the lifecycle need: ingest (an event) and the sweep (time). */
export interface LifecycleDeps {
  store: CustomerStore;
  starter: JourneyStarter;
  clock: Clock;
  lifecycle: Lifecycle;
  journeys: readonly Journey[];
  calendar: Calendar;
  publisher: LifecyclePublisher;
  /** settings.yaml `customEvents`: which of a declared event's properties a profile and a journey may keep. */
  customEvents?: CustomEvents;
  /** settings.yaml `exclusiveGroups` (default: every group pre-empts). */
  exclusiveGroups?: ExclusiveGroups;
  /** The longest a marketing send waits for its channel to open: exclusive groups' bound counts it. */
  sendWindowSeconds?: number;
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
  /** Open- and click-tracked (settings.yaml `tracking`): sent through the tracked configuration set. */
  tracked?: boolean;
}

export interface Mailer {
  /** Sends one email and returns the provider's message id. */
  send(email: RawEmail): Promise<{ messageId: string }>;
}

export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  /** Promotional or transactional: carriers route and rate them differently. */
  category: 'marketing' | 'transactional';
  /** Deterministic per execution and step (the message key). */
  dedupeKey: string;
  tags: Record<string, string>;
}

export interface SmsSender {
  /** Sends one text message and returns the provider's message id. */
  send(sms: SmsMessage): Promise<{ messageId: string }>;
}

/** Reads the feeling in what a customer wrote (Comprehend on AWS, a word list locally). */
export interface SentimentClassifier {
  classify(text: string, language: 'en' | 'zh'): Promise<Sentiment>;
}
