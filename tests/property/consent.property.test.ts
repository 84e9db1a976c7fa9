import fc from 'fast-check';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import type { Clock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { ProfileEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { addressOn, suppressionKey } from '../../domain/messages/policy';
import { sendMessage, type SendMessageInput } from '../../domain/messages/send';
import { suppressAddress } from '../../domain/messages/suppress';
import { channelConsent, suppressChannel, topicConsent } from '../../domain/profile/consent';
import { consentOnFile } from '../../domain/profile/histories';
import type { Profile } from '../../domain/profile/profile';
import type { RawEmail, SmsMessage } from '../../domain/ports';
import type { SendStep } from '../../domain/journey/schema';
import { WORKFLOWS_DIR } from '../support/paths';
import { sendDeps } from '../support/send-deps';
import { profileTimeline } from '../support/timeline';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);
const TOPICS = workflows.settings.topics;
const CUSTOMERS = ['c-1', 'c-2'];
const STATUS = fc.constantFrom('subscribed' as const, 'unsubscribed' as const);

/** What can happen to a customer between sends: a consent change, a suppression, or a message. */
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('consent' as const),
    customerId: fc.constantFrom(...CUSTOMERS),
    email: fc.option(STATUS, { nil: undefined }),
    sms: fc.option(STATUS, { nil: undefined }),
    topics: fc.dictionary(fc.constantFrom(...TOPICS), STATUS, { maxKeys: 3 }),
    preferredChannel: fc.option(fc.constantFrom('email' as const, 'sms' as const), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('suppress' as const),
    customerId: fc.constantFrom(...CUSTOMERS),
    channel: fc.constantFrom('email' as const, 'sms' as const),
    // A bounce marks the profile; an address-level entry (e.g. a complaint about another profile).
    level: fc.constantFrom('profile' as const, 'address' as const),
  }),
  fc.record({
    kind: fc.constant('send' as const),
    customerId: fc.constantFrom(...CUSTOMERS),
    journey: fc.constantFrom(...journeys.filter((j) => j.steps.some((s) => s.type === 'send'))),
    pick: fc.nat(),
    channel: fc.constantFrom('email' as const, 'sms' as const, 'preferred' as const),
    minutes: fc.integer({ min: 0, max: 24 * 60 * 10 }),
  }),
);

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

async function run(steps: Step[]) {
  const store = memoryStore();
  let now = new Date('2026-11-22T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const delivered: { customerId: string; channel: 'email' | 'sms'; category: string; topic?: string }[] = [];
  const lifecycleDeps = {
    store,
    starter: memoryStarter(),
    clock,
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: memoryPublisher(),
    journeys,
  };
  let sending: { customerId: string; category: string; topic?: string } | undefined;
  const { deps } = sendDeps(store, clock, {
    mailer: {
      send: async (_email: RawEmail) => {
        delivered.push({ ...sending!, channel: 'email' });
        return { messageId: `e-${delivered.length}` };
      },
    },
    sms: {
      send: async (_sms: SmsMessage) => {
        delivered.push({ ...sending!, channel: 'sms' });
        return { messageId: `s-${delivered.length}` };
      },
    },
  });
  for (const id of CUSTOMERS) {
    const event: ProfileEvent = {
      eventId: `${id}-signup`,
      type: 'profile',
      customerId: id,
      at: now.toISOString(),
      customer: { email: `${id}@example.com`, phone: id === 'c-1' ? '+8613800138001' : '+8613800138002' },
    };
    await ingestEvent(event, lifecycleDeps);
  }
  let n = 0;
  for (const step of steps) {
    n++;
    if (step.kind === 'consent') {
      await ingestEvent(
        {
          eventId: `consent-${n}`,
          type: 'profile',
          customerId: step.customerId,
          at: now.toISOString(),
          customer: {
            consent: { email: step.email, sms: step.sms, topics: step.topics },
            preferredChannel: step.preferredChannel,
          },
        },
        lifecycleDeps,
      );
    } else if (step.kind === 'suppress') {
      const profile = (await store.getProfile(step.customerId))!;
      const suppression = { reason: 'bounce' as const, at: now.toISOString(), source: 'test' };
      const suppressed = suppressChannel(profile, step.channel, suppression, now);
      if (step.level === 'profile' && suppressed !== profile) await store.putProfile(suppressed);
      // As every address-level entry arrives (a complaint tagged with another profile): the list, then
      // the profiles of the address's known users (ingest remembered this customer's).
      else
        await suppressAddress(
          {
            channel: step.channel,
            address: addressOn(profile, step.channel)!,
            reason: suppression.reason,
            source: suppression.source,
            customerIds: ['someone-else'],
          },
          { store, starter: lifecycleDeps.starter, clock, journeys },
        );
    } else {
      now = new Date(now.getTime() + step.minutes * 60_000);
      const sends = step.journey.steps.filter((s): s is SendStep => s.type === 'send');
      const sendStep = sends[step.pick % sends.length]!;
      const input: SendMessageInput = {
        customerId: step.customerId,
        journeyId: step.journey.id,
        journeyVersion: step.journey.version,
        stepId: sendStep.id,
        channel: step.channel,
        template: sendStep.template,
        category: sendStep.category,
        ...(sendStep.topic ? { topic: sendStep.topic } : {}),
        priority: sendStep.priority,
        executionId: `exec-${n}`,
        deferral: 'result',
      };
      // SMS needs an sms text: only templates that have one are sent by SMS.
      const hasSms = workflows.templates[input.template]?.en?.sms !== undefined;
      if (input.channel !== 'email' && !hasSms) input.channel = 'email';
      const before = (await store.getProfile(step.customerId))!;
      sending = {
        customerId: step.customerId,
        category: input.category,
        ...(input.topic ? { topic: input.topic } : {}),
      };
      const count = delivered.length;
      const result = await sendMessage(input, deps);
      if (delivered.length > count) {
        const message = delivered.at(-1)!;
        expect(result.status).toBe('sent');
        // Never to a suppressed address, whatever the category.
        expect(before.suppressed?.[message.channel]).toBeUndefined();
        expect(
          await store.getSuppression(suppressionKey(message.channel, addressOn(before, message.channel)!)),
        ).toBeUndefined();
        // Marketing only with consent for the channel and the topic: an SMS with an explicit opt-in (the
        // shipped policy), an email with no opt-out (implied), a topic with no opt-out.
        if (message.category === 'marketing') {
          const channel = channelConsent(before, message.channel);
          if (message.channel === 'sms') expect(channel).toBe('subscribed');
          else expect(channel).not.toBe('unsubscribed');
          if (message.topic) expect(topicConsent(before, message.topic)).not.toBe('unsubscribed');
        }
      }
    }
  }
  for (const id of CUSTOMERS) historiesAgree((await store.getProfile(id))!);
  return delivered;
}

/**
 * The histories tell what the records are now: the last change of each consent scope is its record and
 * of each channel its suppression, and the timeline shows each consent change exactly once.
 */
function historiesAgree(p: Profile): void {
  const lastOf = new Map((p.consentHistory ?? []).map(({ scope, ...r }) => [scope, r]));
  for (const r of consentOnFile(p.consent)) expect(lastOf.get(r.scope)).toEqual({ ...r, scope: undefined });
  expect(lastOf.size).toBe(consentOnFile(p.consent).length);
  for (const channel of ['email', 'sms'] as const) {
    const last = p.suppressionHistory?.findLast((h) => h.channel === channel);
    const mark = p.suppressed?.[channel];
    expect(last?.change === 'suppressed' ? { reason: last.reason, source: last.source } : undefined).toEqual(
      mark && { reason: mark.reason, source: mark.source },
    );
  }
  const timeline = profileTimeline(p);
  const consents = timeline.entries.flatMap((e) => (e.type === 'consent' ? [JSON.stringify(e)] : []));
  expect(new Set(consents).size).toBe(consents.length);
  expect(consents.length).toBe(p.consentHistory?.length ?? 0);
}

describe('consent and suppression (property)', () => {
  it('no message ever reaches a customer without consent for its channel and topic, or at a suppressed address', async () => {
    let deliveredAny = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        deliveredAny += (await run(steps)).length;
      }),
      { numRuns: 200 },
    );
    // The property must have been exercised on real deliveries, not only on refusals.
    expect(deliveredAny).toBeGreaterThan(50);
  });
});
