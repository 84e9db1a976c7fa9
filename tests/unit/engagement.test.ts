import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { resumeWaits } from '../../domain/journey/enter';
import { runJourneyStep } from '../../domain/journey/step-actions';
import { newProfile } from '../../domain/lifecycle/apply';
import { stepKey } from '../../domain/step-key';
import { WORKFLOWS_DIR } from '../support/paths';
import { EngagementEvent } from '../../domain/events/engagement';
import { parseCustomerEvent } from '../../domain/events/parse';
import { compileJourney } from '../../domain/journey/compile';
import { Journey } from '../../domain/journey/schema';
import { isTracked, untrackedActionLinks } from '../../domain/messages/tracking';
import { trackableLinks } from '../../local/engagement';
import { acceptedWith, problemsOf } from '../support/problems';

const journey = (steps: string, entry = '{ event: profile }', goal = '') => `id: engaged
version: 1
description: An engagement test journey.
entry: ${entry}
${goal}steps:
${steps}`;
const OFFER = `  - { id: offer, type: send, channel: email, template: check-in, topic: offers }\n`;
const WAIT = (extra = '', event = 'email-clicked') =>
  `  - { id: wait-click, type: wait-for-event, event: ${event}, ${extra}timeout: 3d, onEvent: done, onTimeout: done }\n`;
const DONE = `  - { id: done, type: exit }\n`;
const brief = (p: { field: string; value?: unknown; expected: string }) =>
  `${p.field}: ${JSON.stringify(p.value)} → ${p.expected}`;
const problems = (yaml: string) =>
  problemsOf({ 'journeys/engaged.yaml': yaml }).problems.filter((p) => p.source?.endsWith('engaged.yaml'));

describe('wait-for-event on an engagement event: which message', () => {
  it('defaults to the send every way to the wait passes last, and compiles it into the await', () => {
    expect(acceptedWith({ 'journeys/engaged.yaml': journey(OFFER + WAIT() + DONE) })).toEqual([]);
    const parsed = Journey.parse(parse(journey(OFFER + WAIT() + DONE)));
    const asl = compileJourney(parsed) as { States: Record<string, { Parameters?: { Payload?: object } }> };
    expect(asl.States['wait-click']?.Parameters?.Payload).toMatchObject({
      action: 'await',
      event: 'email-clicked',
      messageStep: 'offer',
    });
  });

  it('refuses a wait with no send before it, one reached after different sends, and a wrong message', () => {
    const first = WAIT().replace('onEvent: done', 'onEvent: offer');
    expect(problems(journey(first + OFFER + DONE)).map(brief)).toEqual([
      'steps[0].event: "wait-click" → message: <the id of the send step whose email this wait is about> (a way to this wait passes no send)',
    ]);
    const split = `  - { id: pick, type: split, paths: [{ name: a, percent: 50, next: offer }, { name: b, percent: 50, next: other }] }
${OFFER.replace('topic: offers }', 'topic: offers, next: wait-click }')}  - { id: other, type: send, channel: email, template: check-in, topic: offers }
`;
    expect(problems(journey(split + WAIT() + DONE)).map(brief)).toEqual([
      'steps[3].event: "wait-click" → message: <the id of the send step whose email this wait is about> (the ways to this wait pass different sends last: other, offer)',
    ]);
    expect(
      acceptedWith({ 'journeys/engaged.yaml': journey(split + WAIT('message: other, ') + DONE) }),
    ).toEqual([]);
    expect(problems(journey(OFFER + WAIT('message: ofer, ') + DONE)).map(brief)).toEqual([
      'steps[1].message: "ofer" → the id of a send step in this journey: offer',
    ]);
    const sms = OFFER.replace('channel: email', 'channel: sms').replace('check-in', 'personal-offer');
    expect(problems(journey(sms + WAIT() + DONE)).map(brief)).toEqual([
      'steps[1].message: "offer" → a send on channel email or preferred (email-clicked is about such a message; "offer" sends sms)',
    ]);
    expect(
      acceptedWith({ 'journeys/engaged.yaml': journey(sms + WAIT('', 'sms-delivered') + DONE) }),
    ).toEqual([]);
  });

  it('refuses `message` on a wait for a customer event, and engagement events as entry or goal', () => {
    expect(problems(journey(OFFER + WAIT('message: offer, ', 'purchase') + DONE)).map(brief)).toEqual([
      'steps[1].message: "offer" → no message: only a wait for email-delivered, email-opened, email-clicked or sms-delivered is about one message (this one waits for purchase from the customer)',
    ]);
    const expected =
      'an event a customer sends, not email-opened (what a customer did with one message): wait for it in a wait-for-event step after the send';
    expect(
      problems(
        journey(OFFER + DONE, '{ event: email-opened }', 'goal: { event: email-opened, within: 7d }\n'),
      ).map(brief),
    ).toEqual([`entry.event: "email-opened" → ${expected}`, `goal.event: "email-opened" → ${expected}`]);
  });
});

describe('engagement events: schema', () => {
  const valid = {
    eventId: 'ses:open:0102018f-id:1795341821000',
    customerId: 'c-42',
    at: '2026-11-22T10:03:41.000Z',
    type: 'email-opened',
    message: { key: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', journeyId: 'dormancy-reactivation', stepId: 'offer' },
  };

  it('accepts a tagged event (time kept to the second) and refuses one it cannot attribute', () => {
    expect(EngagementEvent.parse(valid).at).toBe('2026-11-22T10:03:41Z');
    const bad = EngagementEvent.safeParse({ ...valid, message: { ...valid.message, key: 'not-a-key' } });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['message.key']);
    expect(EngagementEvent.safeParse({ ...valid, type: 'purchase' }).success).toBe(false);
  });

  it('is never accepted from the events API: Rapport records engagement itself', () => {
    expect(() => parseCustomerEvent(valid, 'POST /events')).toThrow(/Invalid event/);
  });
});

describe('open and click tracking', () => {
  it('marketing per topic (default on), transactional never', () => {
    const tracking = { marketing: true, topics: { service: false } };
    expect(isTracked(tracking, { category: 'marketing', topic: 'offers' })).toBe(true);
    expect(isTracked(tracking, { category: 'marketing', topic: 'service' })).toBe(false);
    expect(isTracked(tracking, { category: 'transactional' })).toBe(false);
    expect(
      isTracked({ marketing: false, topics: { offers: true } }, { category: 'marketing', topic: 'offers' }),
    ).toBe(true);
  });

  it('refuses a tracking topic that is not one of the topics', () => {
    const settings = readFileSync(join(WORKFLOWS_DIR, 'settings.yaml'), 'utf8').replace(
      'topics: { service: false }',
      'topics: { servise: false }',
    );
    expect(problemsOf({ 'settings.yaml': settings }).problems.map(brief)).toEqual([
      'tracking.topics.servise: false → a topic listed in `topics`: greetings, offers, events, service',
    ]);
  });

  it('marks unsubscribe, preference and survey links ses:no-track, and leaves the others to SES', () => {
    const base = 'https://api.example.com';
    const html =
      `<a href="${base}/unsubscribe?token=a">Unsubscribe</a> <a style="x" href='${base}/preferences?token=b'>Prefs</a> ` +
      `<a href="${base}/feedback?token=c">9</a> <a href="https://shop.example/autumn">Shop</a> ` +
      `<a ses:no-track href="${base}/unsubscribe?token=d">again</a>`;
    const marked = untrackedActionLinks(html, base);
    expect(marked.match(/ses:no-track/g)).toHaveLength(4);
    expect(marked).toContain(`<a ses:no-track style="x" href='${base}/preferences?token=b'>`);
    expect(trackableLinks(marked)).toEqual(['https://shop.example/autumn']);
  });
});

describe('resuming an engagement wait', () => {
  it('only an event of the message the wait names resumes it, whenever the provider dated it', async () => {
    const workflows = loadWorkflows(WORKFLOWS_DIR);
    const parsed = Journey.parse(parse(journey(OFFER + WAIT() + DONE)));
    const store = memoryStore();
    const clock = fixedClock('2026-09-01T02:00:05Z');
    await store.putProfile({ ...newProfile('c-1', workflows.lifecycle, clock.now()), version: 1 });
    const executionId = 'arn:test:execution:engaged-c-1';
    await runJourneyStep(
      {
        action: 'await',
        customerId: 'c-1',
        journeyId: 'engaged',
        journeyVersion: 1,
        stepId: 'wait-click',
        executionId,
        event: 'email-clicked',
        messageStep: 'offer',
        taskToken: 'token-1',
      },
      { store, clock },
    );
    const resumed: unknown[] = [];
    const starter = {
      ...memoryStarter(),
      resume: async (token: string, output: unknown) => {
        resumed.push({ token, output });
        return 'resumed' as const;
      },
    };
    const click = (key: string, eventId: string) => ({
      eventId,
      customerId: 'c-1',
      // Dated before the wait was stored: a provider's clock, not the wait's, dates it.
      at: '2026-09-01T02:00:01Z',
      type: 'email-clicked' as const,
      message: { key, journeyId: 'engaged', stepId: 'offer' },
      link: 'https://shop.example/autumn',
    });
    const deps = { store, starter, journeys: [parsed] };
    expect(await resumeWaits(click(stepKey(executionId, 'other-send'), 'ses:click:other'), deps)).toEqual([]);
    expect(resumed).toEqual([]);
    expect(await resumeWaits(click(stepKey(executionId, 'offer'), 'ses:click:offer'), deps)).toEqual([
      'engaged',
    ]);
    expect(resumed).toEqual([
      {
        token: 'token-1',
        output: {
          eventId: 'ses:click:offer',
          type: 'email-clicked',
          at: '2026-09-01T02:00:01Z',
          link: 'https://shop.example/autumn',
        },
      },
    ]);
    // Answered once: the record is gone.
    expect(await resumeWaits(click(stepKey(executionId, 'offer'), 'ses:click:again'), deps)).toEqual([]);
  });
});
