import type { Clock } from '../clock';
import type { CustomerStore, MessageRecord, MessageStatus } from '../ports';

/**
 * The send Task's TimeoutSeconds in every compiled journey (domain/journey/compile/send.ts), and so the
 * longest a live send can hold its claim: on AWS the send-message Lambda's own timeout is below it, and
 * Step Functions has given up on the attempt by then. A `sending` claim older than this has no sender.
 */
export const SEND_TIMEOUT_SECONDS = 60;

/** When the record was claimed into `sending`; a claim written before `claimedAt` existed has only `createdAt`. */
export function claimTime(record: MessageRecord): string {
  return record.claimedAt ?? record.createdAt;
}

/** A `sending` claim whose sender cannot still be at work: it outlived the send's time limit. */
export function claimAbandoned(record: MessageRecord, now: Date): boolean {
  return (
    record.status === 'sending' && now.getTime() - Date.parse(claimTime(record)) > SEND_TIMEOUT_SECONDS * 1000
  );
}

/**
 * Marks a `sending` claim whose sender stopped before the provider's answer was recorded: the message
 * may have gone out, so it is `in-doubt` (interrupted) and never sent again. The write is conditional on
 * the record still being that very claim, so of several passes that find it, exactly one marks it (true).
 * Only for a claim known to have no live sender: one older than the send's time limit, one whose send
 * step gave up, or any at local start-up (the runtime holds its data folder's lock).
 */
export async function markInterrupted(
  claim: MessageRecord,
  store: CustomerStore,
  extra: Pick<MessageRecord, 'error'> = {},
): Promise<boolean> {
  if (claim.status !== 'sending') return false;
  return store.settleClaim(
    { ...claim, ...extra, status: 'in-doubt', inDoubtReason: 'interrupted' },
    claim.claimedAt,
  );
}

/** What a send that finds its message already claimed answers, and whether it marked the claim itself. */
export interface ExistingClaim {
  previous: MessageStatus;
  /** This send found the claim abandoned and marked it `in-doubt`: count it once. */
  interrupted: boolean;
}

/**
 * A second send of the same execution and step found the record. A `sending` claim older than the send's
 * time limit is marked `in-doubt` (interrupted) — never sent again; a younger one is left to its sender.
 * Whoever loses the race to mark it reports the record as the winner left it.
 */
export async function settleExisting(
  existing: MessageRecord,
  deps: { store: CustomerStore; clock: Clock },
): Promise<ExistingClaim> {
  if (!claimAbandoned(existing, deps.clock.now())) return { previous: existing.status, interrupted: false };
  if (await markInterrupted(existing, deps.store)) return { previous: 'in-doubt', interrupted: true };
  const now = await deps.store.getMessage(existing.customerId, existing.messageKey);
  return { previous: now?.status ?? existing.status, interrupted: false };
}
