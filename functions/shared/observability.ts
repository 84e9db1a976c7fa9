import type { SkipReason } from '../../domain/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { redactPersonalData } from './redact';

/** Names of the custom metrics; the CloudWatch dashboard (infra/) charts exactly these. */
export const METRIC = {
  eventsIngested: 'EventsIngested',
  duplicateEvents: 'DuplicateEvents',
  invalidEvents: 'InvalidEvents',
  journeysStarted: 'JourneysStarted',
  stageChanges: 'StageChanges',
  customersSwept: 'CustomersSwept',
  /** Customers the sweep could not process and took out of the due index (see domain/due.ts): look at each. */
  sweepItemsParked: 'SweepItemsParked',
  /** Customers whose turn in a sweep failed for a reason that may pass: still due, retried next sweep. */
  sweepItemsFailed: 'SweepItemsFailed',
  /** Customers the sweep coordinator handed to the sweep workers (through the sweep queue). */
  customersQueued: 'SweepCustomersQueued',
  /** Due shards a sweep run left unread when its time ran out: the next run resumes them. */
  sweepShardsLeft: 'SweepShardsLeft',
  /** Scheduled sweeps that found the last run still holding the lease, and did nothing. */
  sweepsOverlapped: 'SweepsOverlapped',
  /**
   * Birthday and holiday greetings found more than a day after their due time and never started (the
   * sweep fell that far behind or was stopped): each is a customer not greeted. Alarm on any.
   */
  occasionsMissed: 'OccasionsMissed',
  /**
   * Events whose delivery died after claiming them (a timeout, a crash) and that nobody delivered again,
   * finished by the recovery pass on a sweep or at local start-up: each is a delivery that went wrong.
   */
  eventsRecovered: 'EventsRecovered',
  /** Stale claims the recovery pass could not finish: kept, and tried again on the next sweep. */
  eventRecoveriesFailed: 'EventRecoveriesFailed',
  decisions: 'JourneyDecisions',
  profileUpdates: 'ProfileUpdates',
  emailsSent: 'EmailsSent',
  smsSent: 'SmsSent',
  /** Every send that did not go out now, whatever the reason; per reason in `Skipped<Reason>`. */
  messagesSkipped: 'MessagesSkipped',
  /** Send steps that gave up after their retries: recorded `failed` on the message; the journey went on. */
  messagesFailed: 'MessagesFailed',
  /**
   * Messages found `in-doubt` (they may or may not have gone out; never sent again): a provider answer
   * lost, or a sender that stopped between its claim and the answer (see domain/messages/interrupted.ts).
   * Each is counted once, where it is found: the send step that finds an abandoned claim, the step that
   * records a send that gave up, or local start-up.
   */
  messagesInDoubt: 'MessagesInDoubt',
  unsubscribes: 'Unsubscribes',
  /** Engagement events recorded (each once, however often SNS delivers it): see delivery-events. */
  emailsDelivered: 'EmailsDelivered',
  emailsOpened: 'EmailsOpened',
  emailsClicked: 'EmailsClicked',
  textsDelivered: 'TextsDelivered',
  /** Addresses put on the suppression list: hard bounces, complaints, SMS opt-outs. */
  suppressions: 'Suppressions',
  /** Customers forgotten at their request (DELETE /customers/{id} or an erase event). */
  erasures: 'Erasures',
  /** Survey answers recorded from score links. */
  feedbackReceived: 'FeedbackReceived',
  /** Events POST /events validated and put on the ingest queue (202 queued). */
  eventsQueued: 'EventsQueued',
  /**
   * Executions start-journey started (JourneysStarted counts the starts decided, when they are queued):
   * the two differ by the starts still queued, skipped, or dead-lettered.
   */
  executionsStarted: 'ExecutionsStarted',
  /** Queued starts not made: the customer was erased while the start waited (its entry is gone). */
  startsSkippedErased: 'StartsSkippedErased',
  /** Queued starts not made: a goal event converted the entry while the start waited. */
  startsSkippedConverted: 'StartsSkippedConverted',
  /** StartExecution calls refused for the rate: each start comes back from the queue later. */
  startsThrottled: 'StartsThrottled',
} as const;

/** One metric per skip reason (SkippedNoConsent, SkippedFrequencyCap, …): dashboards graph each. */
export function skippedMetric(reason: SkipReason): string {
  return `Skipped${reason.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
}

export const METRICS_NAMESPACE = 'Rapport';
export const SERVICE_NAME = 'rapport';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/** The Logger every handler uses: personal data (contact details, names, free text) never reaches a log line. */
export function createLogger(options: ConstructorParameters<typeof Logger>[0] = {}): Logger {
  return new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
    jsonReplacerFn: redactPersonalData,
    ...options,
  });
}

export function createObservability(): Observability {
  const logger = createLogger();
  return {
    logger,
    // Its own warnings (e.g. "no metrics to publish" on a GET) go through our logger and its level.
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
      logger,
    }),
  };
}
