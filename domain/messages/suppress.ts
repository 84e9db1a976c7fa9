import type { Channel } from '../config/ids';
import type { Journey } from '../journey/schema';
import type { Clock } from '../clock';
import type { CustomerStore, JourneyStarter } from '../ports';
import { suppressChannel } from '../profile/consent';
import type { Profile, SuppressionReason } from '../profile/profile';
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
 * once, and a second delivery changes nothing.
 */
export async function suppressAddress(req: SuppressRequest, deps: SuppressDeps): Promise<SuppressOutcome> {
  const now = deps.clock.now();
  const key = suppressionKey(req.channel, req.address);
  await deps.store.putSuppression({
    key,
    channel: req.channel,
    reason: req.reason,
    at: now.toISOString(),
    source: req.source,
  });
  const candidates = new Set([...(req.customerIds ?? []), ...(await deps.store.listAddressUsers(key))]);
  const outcome: SuppressOutcome = { customers: [], stopped: [] };
  for (const customerId of candidates) {
    const marked = await markProfile(customerId, key, req, deps.store, now);
    if (!marked) continue;
    outcome.customers.push(customerId);
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

/** True when the customer's current address on the channel is the suppressed one (then marked). */
async function markProfile(
  customerId: string,
  key: string,
  req: SuppressRequest,
  store: CustomerStore,
  now: Date,
): Promise<boolean> {
  const uses = (p: Profile) => {
    const address = addressOn(p, req.channel);
    return address !== undefined && suppressionKey(req.channel, address) === key;
  };
  const updated = await updateProfile(store, customerId, (p) =>
    uses(p)
      ? suppressChannel(
          p,
          req.channel,
          { reason: req.reason, at: now.toISOString(), source: req.source },
          now,
        )
      : p,
  );
  return updated !== undefined && uses(updated.profile);
}
