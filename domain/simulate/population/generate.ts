/**
 * A generated population as a time-ordered stream of `profile` and `purchase` events (see model.ts for
 * the behaviour). Seeded and reproducible: the same options give the same stream, event for event.
 *
 * Streaming: each customer is a small state (its own random stream, its market, its next purchase time)
 * that makes its events one at a time. Customers join in order of their first purchase, which is spread
 * evenly over time (customer i's falls in the i-th of N equal slices), and only customers who joined and
 * still buy wait in a heap ordered by their next event. So memory holds the live customers, never their
 * events: no more than the population, and far less once customers churn.
 *
 * A part of the population (`shard`, see ../shard.ts) is generated without generating the others: every
 * customer's stream is still taken from the master stream in order (a jump, about 0.3 µs), but only the
 * part's customers draw from theirs and join the heap. Each customer is the same in a part as in the whole.
 */
import { Heap } from 'heap-js';
import { InvalidEventError } from '../../errors';
import { parseCustomerEvent } from '../../events/parse';
import type { CustomEvents } from '../../events/custom';
import type { CustomEvent, CustomerAttributes } from '../../events/schema';
import { canonicalTime } from '../../events/time';
import { daytimeInstant, localDay } from '../history/time';
import type { HistoryEvent } from '../history/timeline';
import { PopulationModel, type Market, type PopulationModelInput } from './model';
import {
  nextOwnEvent,
  ownEvent,
  ownEventProblems,
  PopulationModelError,
  type OwnEventStream,
} from './own-events';
import { randomStreams, type Random } from './random';
import { inShard, type Shard } from '../shard';

export interface PopulationOptions {
  customers: number;
  /** The period, ISO 8601 instants: first purchases fall within it, and no event comes after `to`. */
  from: string;
  to: string;
  seed: number;
  model?: PopulationModelInput;
  /** Customer ids are this and the customer's number: "gen-000001". */
  idPrefix?: string;
  /** Check every event as ingest does (about 10 µs an event); on by default. */
  validate?: boolean;
  /** Only this part of the population: its customers' events, each as in the whole. */
  shard?: Shard;
  /** settings.yaml `customEvents`: what the model's `customEvents` must be declared as. */
  customEvents?: CustomEvents;
}

/** What a generated population sends: profiles and purchases, and the events of the model's `customEvents`. */
export type PopulationEvent = HistoryEvent | CustomEvent;

// Events of the project's own draw from a second stream per customer, so that a model without them
// (or with other rates) gives every customer the same purchases as before.
const OWN_EVENTS_SALT = 0x5bd1e995;

const DAY = 86_400_000;

interface Person {
  index: number;
  id: string;
  random: Random;
  market: Market;
  /** Time of the next event, epoch ms: the earliest of the next purchase and the own events' next. */
  next: number;
  /** Time of the next purchase, epoch ms; undefined once the customer stops buying. */
  purchaseAt: number | undefined;
  purchases: number;
  /** The customer's events of the project's own: a stream of its own randomness, one per type. */
  own?: { random: Random; streams: OwnEventStream[] };
  comebackUsed: boolean;
  /** Sent with the first purchase, then dropped. */
  profile?: CustomerAttributes;
}

export function* generatePopulation(options: PopulationOptions): Generator<PopulationEvent> {
  const model = PopulationModel.parse(options.model ?? {});
  const behaviours = Object.entries(model.customEvents);
  const problems = ownEventProblems(model.customEvents, options.customEvents ?? {}, 'population model');
  if (problems.length > 0) throw new PopulationModelError('Invalid population model', problems);
  const ownStream = behaviours.length > 0 ? randomStreams(options.seed ^ OWN_EVENTS_SALT) : undefined;
  const from = Date.parse(options.from);
  const to = Date.parse(options.to);
  if (!(to - from >= 2 * DAY))
    throw new RangeError(`a period of two days or more: got ${options.from} … ${options.to}`);
  const n = options.customers;
  const width = Math.max(6, String(n).length);
  const slice = ((to - from) * model.acquisitionShare) / n;
  const stream = randomStreams(options.seed);
  const live = new Heap<Person>((a, b) => a.next - b.next || a.index - b.index);
  let joined = 0;
  const join = () => {
    const index = joined++;
    const random = stream();
    const ownRandom = ownStream?.();
    const id = `${options.idPrefix ?? 'gen-'}${String(index + 1).padStart(width, '0')}`;
    if (options.shard && !inShard(id, options.shard)) return;
    live.push(newPerson({ index, id, random, ownRandom }, { model, behaviours, from, to, slice }));
  };
  for (;;) {
    // A customer's first purchase is at most a day before its slice begins (moved to daytime).
    while (joined < n && (live.isEmpty() || from + joined * slice - DAY <= live.peek()!.next)) join();
    const person = live.pop();
    if (!person) return;
    const at = canonicalTime(new Date(person.next));
    if (person.profile) {
      yield checked(
        { eventId: 'profile-1', type: 'profile', customerId: person.id, at, customer: person.profile },
        options,
      );
      delete person.profile;
    }
    if (person.purchaseAt === person.next) yield checked(purchase(person, at, model, to), options);
    else yield checked(ownEventDue(person, at), options);
    const next = Math.min(person.purchaseAt ?? Infinity, ...(person.own?.streams.map((s) => s.at) ?? []));
    if (next <= to) {
      person.next = next;
      live.push(person);
    }
  }
}

/** A customer as they join, with their first purchase in their slice of the period (moved to daytime). */
function newPerson(
  who: { index: number; id: string; random: Random; ownRandom: Random | undefined },
  period: {
    model: PopulationModel;
    behaviours: [string, OwnEventStream['behaviour']][];
    from: number;
    to: number;
    slice: number;
  },
): Person {
  const { index, id, random, ownRandom } = who;
  const { model, behaviours, from, to, slice } = period;
  const market = random.pick(model.markets);
  const profile = attributesOf(id, index, market, random, model);
  const raw = from + (index + random.float()) * slice;
  let first = daytime(raw, market.timeZone, random);
  if (first < from) first += DAY;
  if (first >= to) first -= DAY;
  const person: Person = {
    ...{ index, id, random, market, next: first, purchaseAt: first, purchases: 0 },
    ...{ comebackUsed: false, profile },
  };
  if (ownRandom) {
    const streams = behaviours.map(([type, behaviour]) => ({ type, behaviour, at: first, count: 0 }));
    for (const s of streams)
      s.at = nextOwnEvent(s, first, ownRandom, (t) => daytime(t, market.timeZone, ownRandom));
    person.own = { random: ownRandom, streams };
  }
  return person;
}

/** The customer's purchase now, with when the next comes (undefined: no more, or after `to`). */
function purchase(person: Person, at: string, model: PopulationModel, to: number): HistoryEvent {
  person.purchases++;
  const amount = purchaseAmount(person, model);
  const next = nextPurchase(person, model);
  person.purchaseAt = next !== undefined && next <= to ? next : undefined;
  const currency = person.market.currency;
  return {
    eventId: `purchase-${person.purchases}`,
    type: 'purchase',
    customerId: person.id,
    at,
    amount,
    currency,
  };
}

/** The customer's own event due now (the stream whose time has come), with when that stream's next comes. */
function ownEventDue(person: Person, at: string): CustomEvent {
  const { random, streams } = person.own!;
  const stream = streams.find((s) => s.at === person.next)!;
  const event = ownEvent(stream, person.id, at, random);
  const tz = person.market.timeZone;
  stream.at = nextOwnEvent(stream, person.next, random, (t) => daytime(t, tz, random));
  return event;
}

function checked<E extends PopulationEvent>(event: E, options: PopulationOptions): E {
  if (options.validate === false) return event;
  try {
    const customEvents = options.customEvents;
    return parseCustomerEvent(event, `generated customer ${event.customerId}`, { customEvents }) as E;
  } catch (error) {
    // A model that makes invalid events is a bug in the model's checks: say which event.
    if (error instanceof InvalidEventError) throw new RangeError(error.message, { cause: error });
    throw error;
  }
}

function attributesOf(
  id: string,
  index: number,
  market: Market,
  random: Random,
  model: PopulationModel,
): CustomerAttributes {
  const email = random.chance(model.consent.email) ? 'subscribed' : 'unsubscribed';
  const hasPhone = random.chance(model.phoneShare);
  const sms = random.chance(model.consent.sms) ? 'subscribed' : 'unsubscribed';
  const hasBirthday = random.chance(model.birthdayShare);
  const born = new Date(Date.UTC(1950, 0, 1) + Math.floor(random.float() * 57 * 365.25) * DAY);
  return {
    email: `${id}@example.com`,
    locale: market.locale,
    timeZone: market.timeZone,
    ...(hasPhone
      ? {
          phone: `${market.phonePrefix}${String(index % 10 ** market.phoneDigits).padStart(market.phoneDigits, '0')}`,
        }
      : {}),
    consent: { email, ...(hasPhone ? { sms } : {}) },
    ...(hasBirthday ? { attributes: { birthday: born.toISOString().slice(0, 10) } } : {}),
  };
}

/** The same local day as `raw` in the customer's zone, at a daytime hour (09:00–21:59). */
function daytime(raw: number, timeZone: string, random: Random): number {
  const local = localDay(raw, timeZone);
  return daytimeInstant(local, random.int(9, 21), random.int(0, 59), timeZone);
}

function purchaseAmount(person: Person, model: PopulationModel): number {
  const { random, market } = person;
  const f = model.firstPurchase;
  const dollars =
    person.purchases > 1
      ? Math.max(1, random.logNormal(model.repeat.median, model.repeat.spread))
      : random.chance(f.smallShare)
        ? random.between(f.smallMin, f.smallMax)
        : f.largeMin + random.logNormal(f.largeMedian, f.largeSpread);
  return Math.round(dollars * market.amountScale * 100) / 100;
}

/** When the customer buys next, or undefined when they churn. */
function nextPurchase(person: Person, model: PopulationModel): number | undefined {
  const { random } = person;
  const stays = random.chance(person.purchases === 1 ? model.repeat.afterFirst : model.repeat.afterRepeat);
  if (stays) {
    const gap = Math.max(1, random.exponential(model.repeat.meanGapDays));
    return daytime(person.next + gap * DAY, person.market.timeZone, random);
  }
  if (person.comebackUsed || !random.chance(model.comeback.share)) return undefined;
  person.comebackUsed = true;
  const [min, max] = model.comeback.afterDays;
  return daytime(person.next + random.between(min, max) * DAY, person.market.timeZone, random);
}
