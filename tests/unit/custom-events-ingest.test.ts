import fc from 'fast-check';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { InvalidEventError } from '../../domain/errors';
import type { CustomEvents } from '../../domain/events/custom';
import { parseCustomerEvent } from '../../domain/events/parse';
import type { CustomerEvent, IncomingEvent } from '../../domain/events/schema';
import { DEFAULT_EVENT_TIME_WINDOW } from '../../domain/events/time';
import { ingestEvent } from '../../domain/ingest';
import { customerMatches } from '../../domain/journey/conditions';
import { explainCondition } from '../../domain/journey/explain';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { replayLifecycle } from '../../local/replay';
import { fixture } from '../handlers/support';
import { testJourney } from '../support/journeys';
import { WORKFLOWS_DIR } from '../support/paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const customEvents: CustomEvents = workflows.settings.customEvents;
const NOW = new Date('2027-05-03T02:00:05Z');
const checks = { now: NOW, window: DEFAULT_EVENT_TIME_WINDOW, customEvents };

const VIEWED = Object.freeze({
  eventId: 'v-1',
  type: 'product-viewed',
  customerId: 'c-1',
  at: '2027-05-03T02:00:00Z',
  properties: {
    productId: 'sku-881',
    productName: 'Trail Runner 2',
    category: 'shoes',
    searchQuery: 'light running shoes for li@example.com',
  },
});

function problemsOf(data: unknown, given = checks) {
  try {
    parseCustomerEvent(data, 'request body', given);
  } catch (e) {
    if (e instanceof InvalidEventError) return e.problems;
    throw e;
  }
  throw new Error('expected the event to be refused');
}

describe('custom events at ingest: validated like the built-in ones', () => {
  it('a declared event is accepted with its properties as given', () => {
    expect(parseCustomerEvent(VIEWED, 'request body', checks)).toEqual(VIEWED);
  });

  it('an undeclared type: 400 naming type, its value and every type there is', () => {
    expect(problemsOf({ ...VIEWED, type: 'cart-left' })).toEqual([
      {
        source: 'request body',
        field: 'type',
        value: 'cart-left',
        expected:
          'an event type, one of "purchase", "profile", "feedback", "complaint", "erase", "product-viewed"',
      },
    ]);
    // Without the declarations (another project), the type is no more known than any other.
    expect(problemsOf(VIEWED, { ...checks, customEvents: {} }).map((p) => p.field)).toEqual(['type']);
  });

  it('every bad property at once, each with its field, value and expected; a personal value is not repeated', () => {
    const problems = problemsOf({
      ...VIEWED,
      properties: { productName: 42, price: 'cheap', colour: 'red', searchQuery: 'x'.repeat(257) },
    });
    expect(problems.map((p) => [p.field, p.value, p.expected])).toEqual(
      expect.arrayContaining([
        ['properties.productId', undefined, expect.stringMatching(/^a text of at most 64 characters/)],
        ['properties.productName', 42, 'a text of at most 200 characters'],
        ['properties.price', 'cheap', 'a number'],
        ['properties.colour', 'red', expect.stringMatching(/^no such field here/)],
        [
          'properties.searchQuery',
          undefined,
          'at most 256 characters (the value is personal data: not repeated here)',
        ],
      ]),
    );
    expect(problems).toHaveLength(5);
    expect(JSON.stringify(problems)).not.toContain('xxxx');
  });

  it('a declared event without its required properties names them', () => {
    expect(problemsOf({ ...VIEWED, properties: undefined }).map((p) => [p.field, p.expected])).toEqual([
      ['properties', "the event's properties (productId, productName, category, price, searchQuery)"],
    ]);
  });

  it('POST /events: 400 and nothing queued for a bad property; 202 for a good one', async () => {
    const queued: IncomingEvent[] = [];
    const handler = createAcceptEventHandler({
      ...createObservability(),
      store: memoryStore(),
      clock: fixedClock(NOW.toISOString()),
      ingestQueue: { send: async (m) => void queued.push(...m) },
      customEvents,
    });
    const post = async (body: unknown) => {
      const event = fixture<APIGatewayProxyEventV2>('http-api-v2-post-events.json');
      const res = (await invokeLambda('rapport-accept-event', handler, {
        ...event,
        body: JSON.stringify(body),
      })) as APIGatewayProxyStructuredResultV2;
      return { status: res.statusCode, json: JSON.parse(res.body ?? 'null') as Record<string, unknown> };
    };
    const bad = await post({ ...VIEWED, properties: { ...VIEWED.properties, price: '12' } });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([{ field: 'properties.price', value: '12', expected: 'a number' }]);
    expect(queued).toEqual([]);
    expect((await post(VIEWED)).status).toBe(202);
    expect(queued).toEqual([VIEWED]);
  });
});

const REMINDER = testJourney({
  id: 'browse-reminder',
  entry: { event: 'product-viewed' },
  steps: [{ id: 'remind', type: 'send', channel: 'email', template: 'browse-reminder', topic: 'offers' }],
});

function deps(store = memoryStore(), starter = memoryStarter()) {
  return {
    store,
    starter,
    clock: fixedClock(NOW.toISOString()),
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: memoryPublisher(),
    journeys: [REMINDER],
    customEvents,
  };
}

describe('custom events in ingest: what leaves the event record', () => {
  it('the execution input and the profile carry the declared properties that are not personal data', async () => {
    const d = deps();
    const event = parseCustomerEvent(VIEWED, 'request body', checks) as CustomerEvent;
    const result = await ingestEvent(event, d);
    expect(result.journeysStarted).toHaveLength(1);
    const [input] = [...d.starter.started.values()];
    expect(input?.event).toEqual({ productId: 'sku-881', productName: 'Trail Runner 2', category: 'shoes' });
    expect(JSON.stringify(input)).not.toContain('running shoes');
    const profile = await d.store.getProfile('c-1');
    expect(profile?.lastEvent).toEqual({
      eventId: 'v-1',
      type: 'product-viewed',
      at: VIEWED.at,
      properties: { productId: 'sku-881', productName: 'Trail Runner 2', category: 'shoes' },
    });
    expect(JSON.stringify(profile)).not.toContain('running shoes');
    // The event record keeps everything the sender said, in the customer's partition (erased with them).
    expect(d.store.events.size).toBe(1);
  });

  it('lastEvent conditions: the string form, and property values', async () => {
    const d = deps();
    await ingestEvent(parseCustomerEvent(VIEWED, 'body', checks) as CustomerEvent, d);
    const profile = (await d.store.getProfile('c-1'))!;
    expect(customerMatches({ lastEvent: 'product-viewed' }, profile)).toBe(true);
    const viewed = (properties: Record<string, string>) =>
      customerMatches({ lastEvent: { type: 'product-viewed', properties } }, profile);
    expect(viewed({ category: 'shoes' })).toBe(true);
    expect(viewed({ category: 'bags' })).toBe(false);
    expect(viewed({ category: 'shoes', productId: 'sku-1' })).toBe(false);
    expect(customerMatches({ lastEvent: { type: 'purchase' } }, profile)).toBe(false);
    // What "why" shows it had: the type and the values of the properties tested.
    const [check] = explainCondition(
      { lastEvent: { type: 'product-viewed', properties: { category: 'bags' } } },
      profile,
    );
    expect(check).toMatchObject({ had: 'product-viewed, category: shoes', held: false });
  });
});

describe('custom events in an imported history', () => {
  it('are checked and applied as ingest does: declared ones kept, undeclared ones refused', async () => {
    const bad = { ...VIEWED, eventId: 'v-2', at: '2027-05-03T03:00:00Z', type: 'cart-left' };
    const replay = await replayLifecycle([VIEWED, bad], {
      lifecycle: workflows.lifecycle,
      asOf: '2027-05-04T00:00:00Z',
      customEvents,
    });
    expect(replay.applied).toBe(1);
    expect(replay.rejected.map((p) => [p.field, p.value])).toEqual([['type', 'cart-left']]);
    const profile = await replay.store.getProfile('c-1');
    expect(profile?.lastEvent?.properties).toEqual({
      productId: 'sku-881',
      productName: 'Trail Runner 2',
      category: 'shoes',
    });
  });
});

describe('custom events as a goal', () => {
  it('a declared event ends the journeys that work towards it and counts as their conversion', async () => {
    const goal = testJourney({
      id: 'look-again',
      entry: { event: 'purchase' },
      goal: { event: 'product-viewed', within: '7d' },
      steps: [{ id: 'wait', type: 'wait', duration: '3d' }],
    });
    const d = { ...deps(), journeys: [goal] };
    const purchase = {
      eventId: 'p-1',
      type: 'purchase',
      customerId: 'c-1',
      at: '2027-05-03T01:00:00Z',
      amount: 10,
      currency: 'CNY',
    };
    const entered = await ingestEvent(parseCustomerEvent(purchase, 'body', checks) as CustomerEvent, d);
    expect(entered.journeysStarted).toHaveLength(1);
    // After the entry (entered at the clock's now): a goal counts from the entry on.
    const later = { ...VIEWED, at: '2027-05-03T02:00:10Z' };
    const viewed = await ingestEvent(parseCustomerEvent(later, 'body', checks) as CustomerEvent, d);
    expect(viewed.conversions).toEqual(['look-again']);
    // The execution the purchase started is the one stopped.
    expect(d.starter.stopped).toEqual(
      entered.journeysStarted.map((n) =>
        d.starter.executionArn({ journeyId: 'look-again', executionName: n }),
      ),
    );
  });
});

describe('custom events at ingest: property', () => {
  const declared = customEvents['product-viewed']!.properties;
  it('a string property is accepted exactly up to its declared length, and refused beyond it', () => {
    const max = declared.productName!.maxLength!;
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: max + 20, unit: 'grapheme-ascii' }), (name) => {
        const data = { ...VIEWED, properties: { ...VIEWED.properties, productName: name } };
        const accepted = (() => {
          try {
            parseCustomerEvent(data, 'body', checks);
            return true;
          } catch (e) {
            if (!(e instanceof InvalidEventError)) throw e;
            expect(e.problems.map((p) => p.field)).toEqual(['properties.productName']);
            return false;
          }
        })();
        // eslint-disable-next-line no-control-regex -- control characters are what lineText refuses
        return accepted === (name.length <= max && !/[\u0000-\u001f\u007f]/.test(name));
      }),
      { numRuns: 200 },
    );
  });
});
