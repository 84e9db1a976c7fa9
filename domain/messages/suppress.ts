import type { Channel } from '../config/ids';
import type { Journey } from '../journey/schema';
import type { Clock } from '../clock';
import type { CustomerStore, JourneyStarter } from '../ports';
import { suppressChannel } from '../profile/consent';
import type { Profile, Suppression, SuppressionReason } from '../profile/profile';
import { updateProfile } from '../profile/update';
import { addressOn, suppressionKey } from './policy';

export interface SuppressDeps {
  store: CustomerStore;
  starter: JourneyStarter;
  clock: Clock;
  journeys: readonly Journey[];
}

export interface SuppressRequest {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  /** Where it came from, e.g. `ses:bounce:<feedbackId>` or `sms:keyword:STOP`: kept on the record. */
  source: string;
  /** Customers known to use the address (an SES tag); those found by the address lookup are added. */
  customerIds?: readonly string[];
}

export interface SuppressOutcome {
  customers: string[];
  /** Executions of marketing journeys that were stopped. */
  stopped: string[];
}

/** Journeys that send any marketing message: the ones a suppression ends for the customer. */
export function marketingJourneys(journeys: readonly Journey[]): Journey[] {
  return journeys.filter((j) => j.steps.some((s) => s.type === 'send' && s.category === 'marketing'));
}

/**
 * Puts an address on the suppression list (a hard bounce, a complaint, an SMS STOP) and marks every
 * customer using it, then stops their in-flight marketing journeys. Idempotent: SNS delivers at least
 * once, and a second delivery changes nothing. The list is written before its users are listed, and
 * ingest, which remembers a user after writing their profile (see addressUses), reads the list again
 * after that (recheckAddresses): each side writes before it reads the other's record, so a profile that
 * took the address while both ran is marked by one of them, whichever came second. Marked once ingest
 * completes: should ingest stop between its profile write and the recheck, the profile says the address
 * was checked until the event's redelivery (or the sweep's recovery of its claim) rechecks it, and a send
 * from a journey already running in that window reads no list.
 */
export async function suppressAddress(req: SuppressRequest, deps: SuppressDeps): Promise<SuppressOutcome> {
  const now = deps.clock.now();
  const key = suppressionKey(req.channel, req.address);
  const suppression = { reason: req.reason, at: now.toISOString(), source: req.source };
  await deps.store.putSuppression({ key, channel: req.channel, ...suppression });
  const customers = await markAddressUsers(
    { channel: req.channel, key, suppression },
    req.customerIds ?? [],
    deps.store,
    now,
  );
  const outcome: SuppressOutcome = { customers, stopped: [] };
  for (const customerId of customers) {
    for (const journey of marketingJourneys(deps.journeys)) {
      for (const entry of await deps.store.listJourneyEntries(customerId, journey.id)) {
        await deps.starter.stop(entry.executionArn, {
          error: 'CustomerSuppressedError',
          cause: `${req.channel} address suppressed (${req.reason})`,
        });
        outcome.stopped.push(entry.executionArn);
      }
    }
  }
  return outcome;
}

/** A listed address, as markAddressUsers marks the profiles that use it. */
export interface ListedAddress {
  channel: Channel;
  /** Its suppressionKey. */
  key: string;
  suppression: Suppression;
}

/**
 * Marks the channel suppressed for each customer whose current address it is, among `known` and those
 * remembered as its users (a send skips reading the list for a profile that checked it: see
 * suppressionChecked). Call after the list is written. Returns those marked, or already marked.
 */
export async function markAddressUsers(
  listed: ListedAddress,
  known: readonly string[],
  store: CustomerStore,
  now: Date,
): Promise<string[]> {
  const candidates = new Set([...known, ...(await store.listAddressUsers(listed.key))]);
  const marked: string[] = [];
  for (const customerId of candidates)
    if (await markProfile(customerId, listed, store, now)) marked.push(customerId);
  return marked;
}

/** True when the customer's current address on the channel is the suppressed one (then marked). */
async function markProfile(
  customerId: string,
  { channel, key, suppression }: ListedAddress,
  store: CustomerStore,
  now: Date,
): Promise<boolean> {
  const uses = (p: Profile) => {
    const address = addressOn(p, channel);
    return address !== undefined && suppressionKey(channel, address) === key;
  };
  const updated = await updateProfile(store, customerId, (p) =>
    uses(p) ? suppressChannel(p, channel, suppression, now) : p,
  );
  return updated !== undefined && uses(updated.profile);
}
