import * as z from '../zod';
import type { Clock } from '../clock';
import { FusedBranch } from '../journey/decision';
import { Scalar } from '../journey/step-inputs';
import { zodProblems } from '../config/problems';
import type { Channel } from '../config/ids';
import { DEFAULT_CONSENT_POLICY } from '../config/consent-modes';
import { inControlGroup } from '../control-group';
import type { Settings } from '../config/settings';
import {
  InvalidTaskInputError,
  MessageThrottledError,
  PacingContentionError,
  ProfileNotFoundError,
  RecipientOptedOutError,
} from '../errors';
import type { CustomerStore, Mailer, MessageRecord, SkipReason, SmsSender } from '../ports';
import type { Profile } from '../profile/profile';
import { StepUpdate } from '../profile/update';
import { emailDelivery, smsDelivery } from './delivery';
import {
  addressOn,
  admit,
  channelOrder,
  chooseChannel,
  emptyPacing,
  suppressionKey,
  withdraw,
  type Admission,
  type PacedSend,
  type PacingRecord,
} from './policy';
import { settleExisting } from './interrupted';
import { erasedError, erasedSince, refuseIfErased } from './erased';
import { tombstoneKey } from '../erase';
import { sendWindowWait } from './send-window';
import { markAddressUsers } from './suppress';
import { isDefiniteRefusal, refused } from './refusal';
import { messageKey, messageRecordBase } from './record';
import type { Renderer } from './render';
import { CONFLICT_ATTEMPTS, retryOnConflict } from '../retry';

/** What a compiled `send` state passes to the send-message task (see compileJourney). */
export const SendMessageInput = z.strictObject({
  customerId: z.string().check(z.minLength(1)),
  journeyId: z.string().check(z.minLength(1)),
  journeyVersion: z.number().check(z.int(), z.gte(1)),
  stepId: z.string().check(z.minLength(1)),
  channel: z.enum(['email', 'sms', 'preferred']),
  template: z.string().check(z.minLength(1)),
  // Executions started before `category` existed carry none: they were all marketing.
  category: z._default(z.enum(['marketing', 'transactional']), 'marketing'),
  topic: z.optional(z.string().check(z.minLength(1))),
  priority: z._default(z.enum(['normal', 'high']), 'normal'),
  survey: z.optional(z.enum(['nps', 'csat'])),
  /** The entry event's shareable properties, for `event.*` (journeys that start on a declared event). */
  event: z.optional(z.record(z.string(), Scalar)),
  executionId: z.string().check(z.minLength(1)),
  // How the task tells the state machine of a deferral: `error` throws SendDeferredError, which the
  // compiled send's Catch takes. Executions compiled before that pass none: their Choice reads the result.
  deferral: z._default(z.enum(['result', 'error']), 'result'),
  /** The branch right after the send, decided by this task once the send is done (see journey/fusion.ts). */
  branch: z.optional(FusedBranch),
  /** The `update` step right before the send, applied by this task first (see journey/fusion.ts). */
  update: z.optional(z.extend(StepUpdate, { stepId: z.string().check(z.minLength(1)) })),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export type SendMessageResult =
  | { status: 'sent'; messageKey: string; channel: Channel; providerMessageId: string }
  | { status: 'skipped'; messageKey: string; reason: SkipReason }
  /**
   * Quiet hours, outside the channel's open hours or in its closed days, or paused marketing: the state
   * machine waits until `until` and runs the same step again.
   */
  | { status: 'deferred'; messageKey: string; reason: DeferReason; until: string }
  /** `interrupted`: this send found the claim abandoned by a sender that stopped, and marked it `in-doubt`. */
  | { status: 'duplicate'; messageKey: string; previous: MessageRecord['status']; interrupted?: true };

export type DeferReason = Extract<
  SkipReason,
  'quiet-hours-deferred' | 'send-window-deferred' | 'marketing-paused'
>;

// Defined with the other errors Step Functions retries (RETRIED_ERRORS); exported here for existing callers.
export { MessageThrottledError, PacingContentionError };

export interface SendDeps {
  store: CustomerStore;
  mailer: Mailer;
  sms: SmsSender;
  renderer: Renderer;
  clock: Clock;
  sender: string;
  publicBaseUrl: string;
  /** The HMAC key for links in emails; a function, because on AWS it is fetched once per cold start. */
  linkSecret: () => Promise<string>;
  /** `consent` absent: the default policy (marketing SMS needs an explicit opt-in, email does not). */
  settings: Pick<Settings, 'pacing' | 'defaultTimeZone'> &
    Partial<Pick<Settings, 'consent' | 'controlGroup' | 'tracking'>>;
}

export function parseSendMessageInput(data: unknown): SendMessageInput {
  const result = SendMessageInput.safeParse(data);
  if (!result.success)
    throw new InvalidTaskInputError(
      'Invalid send-message input',
      zodProblems(result.error, data, { source: 'task input' }),
    );
  return result.data;
}

export interface SendHooks {
  /**
   * Runs before the send decides anything, unless an attempt of this send already left its record (a
   * deferral, or any outcome): so an earlier attempt's work is not done again after a deferral's wait. An
   * attempt that failed before leaving a record (a retry) runs it again: it must be idempotent. True when
   * it changed the profile: the send then reads the profile again rather than use the one it read first.
   */
  beforeFirstAttempt?: () => Promise<boolean>;
}

// Kept in record.ts, re-exported here: the steps that record a deferral or a failure (journey-step) import
// it from there without bundling the send and its input schema.
export { messageKey } from './record';

/**
 * Sends one journey message at most once. A record is claimed with a conditional write before the
 * provider is called; a second invocation for the same execution and step finds it and sends nothing.
 * If the provider call fails ambiguously (e.g. a timeout after the request left) the record stays
 * `in-doubt` and is never retried: a missing message is better than a duplicate one. So does a claim
 * whose sender stopped before the answer (see interrupted.ts), once a later invocation finds it.
 *
 * Before that, the trust rules (domain/messages/policy.ts): the address must exist and not be suppressed,
 * marketing needs consent for the channel and the topic, waits out quiet hours and fits the frequency caps.
 */
export async function sendMessage(
  input: SendMessageInput,
  deps: SendDeps,
  hooks: SendHooks = {},
): Promise<SendMessageResult> {
  const key = messageKey(input.executionId, input.stepId);
  const capped = input.category === 'marketing' && deps.settings.pacing.caps.length > 0;
  // What the policy decides from, in one read: the message's record, the customer, their pacing, and
  // whether they were erased (see erased.ts).
  const facts = await deps.store.getCustomerFacts(input.customerId, {
    messageKey: key,
    profile: true,
    pacing: capped,
    tombstoneKey: tombstoneKey(input.customerId),
  });
  const existing = facts.message;
  if (existing && existing.status !== 'deferred') {
    const { previous, interrupted } = await settleExisting(existing, deps);
    return { status: 'duplicate', messageKey: key, previous, ...(interrupted ? { interrupted } : {}) };
  }
  const updated = !existing && (await hooks.beforeFirstAttempt?.());
  const profile = updated ? await deps.store.getProfile(input.customerId) : facts.profile;
  if (!profile) throw new ProfileNotFoundError(`customer ${input.customerId} has no profile`);
  if (erasedSince(profile, facts.tombstone)) throw erasedError(input.customerId);
  const now = deps.clock.now();
  const candidates = channelOrder(profile, input.channel);
  const reach = chooseChannel(
    profile,
    input.channel,
    input,
    await suppressedAddresses(profile, candidates, deps.store),
    deps.settings.consent ?? DEFAULT_CONSENT_POLICY,
  );
  const base: MessageRecord = {
    ...messageRecordBase(input, {
      messageKey: key,
      channel: reach.channel,
      createdAt: existing?.createdAt ?? now.toISOString(),
    }),
    status: 'sending',
    // Throttling's bound runs from the first refusal, through any quiet hours waited out since.
    ...(existing?.throttledSince ? { throttledSince: existing.throttledSince } : {}),
  };
  if (!reach.ok) return skip({ deps, base }, reach.reason);
  const send: Send = { input, deps, base, profile, now, capped, reach };
  return (await heldBack(send, facts.pacing)) ?? deliver(send);
}

/** One send once its channel is chosen: what each of its steps reads. */
interface Send {
  input: SendMessageInput;
  deps: SendDeps;
  /** The message's record as claimed, before the outcome is known (its messageKey is the send's). */
  base: MessageRecord;
  profile: Profile;
  now: Date;
  /** Marketing under frequency caps: the send takes a slot in the pacing record, and gives it back. */
  capped: boolean;
  reach: { channel: Channel; to: string };
}

async function skip(send: Pick<Send, 'deps' | 'base'>, reason: SkipReason): Promise<SendMessageResult> {
  const claimed = await send.deps.store.claimMessage({ ...send.base, status: 'skipped', reason });
  return claimed
    ? { status: 'skipped', messageKey: send.base.messageKey, reason }
    : { status: 'duplicate', messageKey: send.base.messageKey, previous: 'skipped' };
}

async function defer(send: Send, reason: DeferReason, until: string): Promise<SendMessageResult> {
  const deferred: MessageRecord = { ...send.base, status: 'deferred', reason, deferredUntil: until };
  if (!(await send.deps.store.claimMessage(deferred)))
    return { status: 'duplicate', messageKey: send.base.messageKey, previous: 'sending' };
  return { status: 'deferred', messageKey: send.base.messageKey, reason, until };
}

/**
 * What keeps a reachable customer's message back: the control group, a marketing pause, the send window
 * (quiet hours, open hours, closed days) and the frequency caps, which it takes a slot of when it admits.
 * Undefined: the message may go.
 */
async function heldBack(
  send: Send,
  pacing: PacingRecord | undefined,
): Promise<SendMessageResult | undefined> {
  const { input, deps, profile, now } = send;
  // The program's holdout: measured like everyone (entries, goals), sent no marketing by any journey.
  if (input.category === 'marketing' && inControlGroup(input.customerId, deps.settings.controlGroup))
    return skip(send, 'control-group');
  // After a complaint or a detractor score the customer hears from a person, not from marketing.
  if (
    input.category === 'marketing' &&
    profile.marketingPausedUntil &&
    profile.marketingPausedUntil > now.toISOString()
  )
    return defer(send, 'marketing-paused', profile.marketingPausedUntil);
  const zone = profile.timeZone ?? deps.settings.defaultTimeZone;
  const wait = sendWindowWait(now, zone, deps.settings.pacing, send.reach.channel, input.category);
  if (wait) return defer(send, wait.reason, wait.until.toISOString());
  if (!send.capped) return undefined;
  const paced: PacedSend = {
    messageKey: send.base.messageKey,
    channel: send.reach.channel,
    at: now.toISOString(),
    priority: input.priority,
    executionArn: input.executionId,
  };
  const admitted = await updatePacing(
    deps.store,
    input.customerId,
    (record) => admit(record, paced, deps.settings.pacing, now),
    { record: pacing },
  );
  return admitted ? undefined : skip(send, 'frequency-cap');
}

/** Claims the message with its content, then hands it to the provider and records what came of it. */
async function deliver(send: Send): Promise<SendMessageResult> {
  const { input, deps, profile, reach, now } = send;
  const key = send.base.messageKey;
  const delivery =
    reach.channel === 'email'
      ? await emailDelivery(input, profile, reach.to, key, now, deps)
      : smsDelivery(input, profile, reach.to, key, deps);
  const record: MessageRecord = {
    ...send.base,
    ...delivery.record,
    claimedAt: deps.clock.now().toISOString(),
  };
  if (!(await deps.store.claimMessage(record)))
    return { status: 'duplicate', messageKey: key, previous: 'sending' };
  // A STOP reply names only the number: remember whose it is. (SES feedback carries the customer's tag.)
  const addressKey = reach.channel === 'sms' ? suppressionKey(reach.channel, reach.to) : undefined;
  if (addressKey !== undefined) await deps.store.rememberAddress(addressKey, input.customerId);
  await refuseIfErased(deps.store, record, profile, addressKey);

  // Each outcome replaces the claim only while it is there: an erasure may have deleted it (erased.ts).
  let providerMessageId: string;
  try {
    ({ messageId: providerMessageId } = await delivery.send());
  } catch (e) {
    if (e instanceof RecipientOptedOutError) {
      // Nothing went out; the provider knows something we did not yet. Remember it for every later send.
      await optedOut(reach, input.customerId, deps.store, now);
      await deps.store.settleClaim({ ...record, status: 'skipped', reason: 'suppressed' }, record.claimedAt);
      await giveSlotBack(send);
      return { status: 'skipped', messageKey: key, reason: 'suppressed' };
    }
    if (isDefiniteRefusal(e)) {
      await giveSlotBack(send);
      throw await refused(record, e, deps);
    }
    await deps.store.settleClaim(
      { ...record, status: 'in-doubt', inDoubtReason: 'provider-error' },
      record.claimedAt,
    );
    throw e;
  }
  await deps.store.settleClaim(
    { ...record, status: 'sent', providerMessageId, sentAt: deps.clock.now().toISOString() },
    record.claimedAt,
  );
  return { status: 'sent', messageKey: key, channel: reach.channel, providerMessageId };
}

/** Nothing went out: the frequency-cap slot the send took is free again. */
function giveSlotBack(send: Send): Promise<boolean> {
  return send.capped
    ? updatePacing(send.deps.store, send.input.customerId, (record) => ({
        admitted: true,
        changed: true,
        record: withdraw(record, send.base.messageKey),
      }))
    : Promise.resolve(true);
}

/**
 * Which of the channels that may be tried have their address on the suppression list: one read each, but
 * for a channel the profile already says is suppressed, or whose address ingest checked (then any later
 * suppression of it marks the profile: see suppressionChecked and markAddressUsers).
 */
async function suppressedAddresses(
  profile: Profile,
  channels: readonly Channel[],
  store: CustomerStore,
): Promise<Set<Channel>> {
  const suppressed = new Set<Channel>();
  await Promise.all(
    channels.map(async (channel) => {
      const address = addressOn(profile, channel);
      if (!address || profile.suppressed?.[channel]) return;
      const key = suppressionKey(channel, address);
      if (profile.suppressionChecked?.[channel] === key) return;
      if (await store.getSuppression(key)) suppressed.add(channel);
    }),
  );
  return suppressed;
}

/** The provider's opt-out list has the address: on ours too, and on every profile that trusts a check. */
async function optedOut(
  reach: { channel: Channel; to: string },
  customerId: string,
  store: CustomerStore,
  now: Date,
) {
  const key = suppressionKey(reach.channel, reach.to);
  const suppression = {
    reason: 'opt-out',
    at: now.toISOString(),
    source: `${reach.channel}:provider-opt-out-list`,
  } as const;
  await store.putSuppression({ key, channel: reach.channel, ...suppression });
  await markAddressUsers({ channel: reach.channel, key, suppression }, [customerId], store, now);
}

/**
 * Read, decide, write with a version check; on a lost race read again. Two journeys sending to one
 * customer at the same moment therefore see each other's slot and can never both take the last one.
 * `read`: the record as already read, for the first attempt (its version check catches any write since).
 */
async function updatePacing(
  store: CustomerStore,
  customerId: string,
  decide: (record: PacingRecord) => Admission,
  read?: { record: PacingRecord | undefined },
): Promise<boolean> {
  return retryOnConflict(
    CONFLICT_ATTEMPTS.pacing,
    async (n) => {
      const current = n === 0 && read ? read.record : await store.getPacing(customerId);
      const decision = decide(current ?? emptyPacing(customerId));
      if (!decision.admitted) return false;
      if (!decision.changed) return true;
      await store.putPacing(decision.record);
      return true;
    },
    (last) =>
      new PacingContentionError(
        `customer ${customerId}: the frequency-cap record changed ${CONFLICT_ATTEMPTS.pacing} times while sending`,
        { cause: last },
      ),
  );
}
