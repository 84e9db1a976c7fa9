/**
 * The crash test's bookkeeping (tests/e2e/crash-restart.test.ts), kept pure so that it can be checked on
 * its own: what each customer's thank-you came to, from the emails the local SES took and the message
 * records the store kept, and the figures the test prints.
 */

/** An email as the local SES keeps it (`GET <ses>/store`). */
export interface StoredEmail {
  messageId: string;
  subject: string;
  destination: { to: string[] };
}

/** The fields of a MESSAGE# record the tally reads. */
export interface ThanksRecord {
  customerId: string;
  messageKey: string;
  status: string;
  createdAt: string;
  providerMessageId?: string;
}

/**
 * - `once`: one email, and no record left in doubt.
 * - `lost`: no email and no record: the accepted event produced nothing.
 * - `in doubt`: the kill came between the claim and the provider's answer: the one record is `sending`
 *   (claimed before the kill) or `in-doubt`. Allowed, because that record's key stops every later send:
 *   `delivered` if the email was seen, `not seen` if not.
 * - `duplicated`: two emails, or two thank-you records for one customer (a second send under another key).
 * - `resent after doubt`: a message claimed before the kill and sent by the restarted process: a claim in
 *   doubt may have been delivered already, so it must never be sent again.
 * - `pending`: a record claimed after the restart, or deferred: the thank-you is still on its way.
 * - `not sent`: a record that ends without an email (`skipped`, `failed`): the test's customers all qualify.
 */
export type Outcome =
  | 'once'
  | 'lost'
  | 'in doubt, delivered'
  | 'in doubt, not seen'
  | 'duplicated'
  | 'resent after doubt'
  | 'pending'
  | 'not sent';

export const SETTLED: ReadonlySet<Outcome> = new Set<Outcome>([
  'once',
  'in doubt, delivered',
  'in doubt, not seen',
  'duplicated',
  'resent after doubt',
  'not sent',
]);

export interface Evidence {
  /** The thank-you emails the local SES took, before the kill (its last snapshot) and after the restart. */
  emails: readonly StoredEmail[];
  /** The message ids of those the restarted process sent. */
  sentAfterRestart: ReadonlySet<string>;
  /** Every thank-you MESSAGE# record in the store after the restart. */
  records: readonly ThanksRecord[];
  /** When the restarted process was started: a `sending` record created before it was left by the kill. */
  restartedAt: string;
}

/**
 * The thank-you emails each customer got, by provider message id: those the local SES took, and those whose
 * record says `sent` (an email sent after the last snapshot and before the kill is known only that way).
 */
export function deliveries(
  customers: readonly { customerId: string; email: string }[],
  evidence: Evidence,
): Map<string, Set<string>> {
  const byAddress = new Map<string, Set<string>>();
  for (const e of evidence.emails)
    for (const to of e.destination.to) {
      const address = to.replace(/^.*<|>.*$/g, '').toLowerCase();
      byAddress.set(address, (byAddress.get(address) ?? new Set()).add(e.messageId));
    }
  const result = new Map<string, Set<string>>();
  for (const { customerId, email } of customers)
    result.set(customerId, new Set(byAddress.get(email.toLowerCase())));
  for (const r of evidence.records)
    if (r.status === 'sent' && r.providerMessageId) result.get(r.customerId)?.add(r.providerMessageId);
  return result;
}

/** Each customer's outcome, from every email to their address and every thank-you record of theirs. */
export function outcomes(
  customers: readonly { customerId: string; email: string }[],
  evidence: Evidence,
): Map<string, Outcome> {
  const delivered = deliveries(customers, evidence);
  const recordsOf = new Map<string, ThanksRecord[]>();
  for (const r of evidence.records) recordsOf.set(r.customerId, [...(recordsOf.get(r.customerId) ?? []), r]);
  const result = new Map<string, Outcome>();
  for (const { customerId } of customers) {
    const emails = delivered.get(customerId)?.size ?? 0;
    result.set(customerId, outcomeOf(emails, recordsOf.get(customerId) ?? [], evidence));
  }
  return result;
}

function outcomeOf(emails: number, records: readonly ThanksRecord[], evidence: Evidence): Outcome {
  if (emails > 1 || records.length > 1) return 'duplicated';
  const [record] = records;
  if (!record) return emails === 0 ? 'lost' : 'once';
  const { restartedAt, sentAfterRestart } = evidence;
  // Deferred sends keep their first createdAt, but none of the test's thank-yous is deferred.
  if (record.createdAt < restartedAt && sentAfterRestart.has(record.providerMessageId ?? ''))
    return 'resent after doubt';
  const leftByKill = record.status === 'sending' && record.createdAt < restartedAt;
  if (leftByKill || record.status === 'in-doubt')
    return emails === 1 ? 'in doubt, delivered' : 'in doubt, not seen';
  if (record.status === 'sent') return emails === 1 ? 'once' : 'lost';
  if (record.status === 'sending' || record.status === 'deferred') return 'pending';
  return 'not sent';
}

/** How many customers of a group came to each outcome, and a few of them by name for each bad one. */
export function countOutcomes(ids: readonly string[], all: ReadonlyMap<string, Outcome>) {
  const counts: Record<Outcome, number> = {
    once: 0,
    lost: 0,
    'in doubt, delivered': 0,
    'in doubt, not seen': 0,
    duplicated: 0,
    'resent after doubt': 0,
    pending: 0,
    'not sent': 0,
  };
  const examples: Partial<Record<Outcome, string[]>> = {};
  for (const id of ids) {
    const outcome = all.get(id) ?? 'lost';
    counts[outcome] += 1;
    if (outcome !== 'once' && (examples[outcome]?.length ?? 0) < 5)
      examples[outcome] = [...(examples[outcome] ?? []), id];
  }
  return { counts, examples };
}

/** Thank-yous per customer, over every customer: how many got 0, 1, 2… emails. */
export function emailsPerCustomer(
  delivered: ReadonlyMap<string, ReadonlySet<string>>,
): Record<string, number> {
  const histogram: Record<string, number> = {};
  for (const ids of delivered.values()) histogram[String(ids.size)] = (histogram[String(ids.size)] ?? 0) + 1;
  return histogram;
}
