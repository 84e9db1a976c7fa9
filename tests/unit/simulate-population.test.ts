import { localParts } from '../../domain/time/zoned';
import {
  generatePopulation,
  type PopulationEvent,
  type PopulationOptions,
} from '../../domain/simulate/population/generate';
import { DEFAULT_MODEL, type PopulationModelInput } from '../../domain/simulate/population/model';
import type { CustomEvent, ProfileEvent, PurchaseEvent } from '../../domain/events/schema';
import { loadWorkflows } from '../../domain/config/load';
import { parsePopulationModel, PopulationModelError } from '../../domain/simulate/population/own-events';
import { WORKFLOWS_DIR } from '../support/paths';

const YEAR: PopulationOptions = {
  customers: 500,
  from: '2026-01-01T00:00:00Z',
  to: '2027-01-01T00:00:00Z',
  seed: 7,
};
const DAY = 86_400_000;

const run = (options: Partial<PopulationOptions> = {}) => [...generatePopulation({ ...YEAR, ...options })];

describe('a generated population', () => {
  it('is reproducible: the same seed gives the same stream, another seed another', () => {
    const a = run();
    expect(run()).toEqual(a);
    const b = run({ seed: 8 });
    expect(b).not.toEqual(a);
    expect(b.filter((e) => e.type === 'profile')).toHaveLength(500);
  });

  it('yields valid events (checked as ingest checks them), in time order, within the period', () => {
    // generatePopulation validates each event with parseCustomerEvent and throws on the first invalid one.
    const events = run({ customers: 2000 });
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(YEAR.from));
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.parse(YEAR.to));
    // Each customer's profile comes with its first purchase, before it.
    const firstOf = new Map<string, PopulationEvent>();
    for (const e of events) if (!firstOf.has(e.customerId)) firstOf.set(e.customerId, e);
    expect([...firstOf.values()].every((e) => e.type === 'profile')).toBe(true);
    expect(firstOf.size).toBe(2000);
  });

  describe('matches its model on 10,000 customers', () => {
    // Customers join within the first 36 days of ten years: nearly every life ends inside the period,
    // so the rates are the model's, not cut short by its end.
    const model: PopulationModelInput = { acquisitionShare: 0.01, comeback: { share: 0 } };
    const events = run({ customers: 10_000, to: '2036-01-01T00:00:00Z', model });
    const profiles = events.filter((e): e is ProfileEvent => e.type === 'profile');
    const purchases = new Map<string, PurchaseEvent[]>();
    for (const e of events.filter((e): e is PurchaseEvent => e.type === 'purchase'))
      purchases.set(e.customerId, [...(purchases.get(e.customerId) ?? []), e]);
    const share = (n: number, of: number) => n / of;
    const lives = [...purchases.values()];

    it('first purchases: the small share, under every threshold; the others above', () => {
      const small = { CNY: 200, USD: 30, GBP: 25 } as Record<string, number>;
      const firsts = lives.map((l) => l[0]!);
      const smallOnes = firsts.filter((p) => p.amount <= small[p.currency]!);
      expect(share(smallOnes.length, firsts.length)).toBeCloseTo(DEFAULT_MODEL.firstPurchase.smallShare, 1);
      expect(Math.abs(share(smallOnes.length, firsts.length) - 0.45)).toBeLessThan(0.02);
      expect(firsts.filter((p) => p.amount > small[p.currency]!).every((p) => p.amount >= 40 * 0.8)).toBe(
        true,
      );
    });

    it('repeat purchases and churn', () => {
      const twice = lives.filter((l) => l.length >= 2).length;
      const thrice = lives.filter((l) => l.length >= 3).length;
      expect(Math.abs(share(twice, lives.length) - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(share(thrice, twice) - 0.75)).toBeLessThan(0.03);
      const gaps = lives.flatMap((l) =>
        l.slice(1).map((p, i) => (Date.parse(p.at) - Date.parse(l[i]!.at)) / DAY),
      );
      const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
      expect(Math.abs(mean - 45)).toBeLessThan(2.5);
      expect(Math.min(...gaps)).toBeGreaterThan(0);
    });

    it('markets, consents, phones and birthdays', () => {
      const count = (f: (p: ProfileEvent) => boolean) => share(profiles.filter(f).length, profiles.length);
      expect(profiles).toHaveLength(10_000);
      expect(Math.abs(count((p) => p.customer?.locale === 'zh-CN') - 0.4)).toBeLessThan(0.02);
      expect(Math.abs(count((p) => p.customer?.timeZone === 'Europe/London') - 0.2)).toBeLessThan(0.02);
      expect(Math.abs(count((p) => p.customer?.consent?.email === 'subscribed') - 0.8)).toBeLessThan(0.02);
      const phones = profiles.filter((p) => p.customer?.phone);
      expect(Math.abs(share(phones.length, profiles.length) - 0.6)).toBeLessThan(0.02);
      expect(
        Math.abs(
          share(phones.filter((p) => p.customer?.consent?.sms === 'subscribed').length, phones.length) - 0.4,
        ),
      ).toBeLessThan(0.03);
      expect(
        profiles.filter((p) => !p.customer?.phone).every((p) => p.customer?.consent?.sms === undefined),
      ).toBe(true);
      expect(
        Math.abs(count((p) => /^\d{4}-\d{2}-\d{2}$/.test(String(p.customer?.attributes?.birthday))) - 0.6),
      ).toBeLessThan(0.02);
      // Shanghai customers pay in yuan from a Chinese mobile number.
      const shanghai = profiles.filter((p) => p.customer?.timeZone === 'Asia/Shanghai');
      expect(
        shanghai.filter((p) => p.customer?.phone).every((p) => p.customer!.phone!.startsWith('+86')),
      ).toBe(true);
      expect(shanghai.every((p) => purchases.get(p.customerId)!.every((e) => e.currency === 'CNY'))).toBe(
        true,
      );
    });

    it("purchases fall in the daytime of the customer's own time zone", () => {
      const zone = new Map(profiles.map((p) => [p.customerId, p.customer!.timeZone!]));
      const hours = new Set(
        lives
          .flat()
          .slice(0, 3000)
          .map((p) => localParts(new Date(p.at), zone.get(p.customerId)!).hour),
      );
      expect(Math.min(...hours)).toBe(9);
      expect(Math.max(...hours)).toBe(21);
    });
  });

  it('brings some churned customers back after a long silence', () => {
    const events = run({
      customers: 4000,
      to: '2036-01-01T00:00:00Z',
      model: { acquisitionShare: 0.01, repeat: { afterFirst: 0, afterRepeat: 0 }, comeback: { share: 0.3 } },
    });
    const byCustomer = new Map<string, number[]>();
    for (const e of events)
      if (e.type === 'purchase')
        byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), Date.parse(e.at)]);
    const back = [...byCustomer.values()].filter((t) => t.length === 2);
    expect(Math.abs(back.length / 4000 - 0.3)).toBeLessThan(0.025);
    expect([...byCustomer.values()].every((t) => t.length <= 2)).toBe(true);
    const gaps = back.map(([a, b]) => (b! - a!) / DAY);
    expect(Math.min(...gaps)).toBeGreaterThan(99);
    expect(Math.max(...gaps)).toBeLessThan(301);
  });
});

describe("a generated population's events of the project's own (customEvents)", () => {
  const declared = loadWorkflows(WORKFLOWS_DIR).settings!.customEvents;
  const viewing: PopulationModelInput = {
    customEvents: {
      'product-viewed': {
        perMonth: 4,
        properties: {
          productId: ['sku-1', 'sku-2'],
          productName: ['Trail Runner 2', 'Canvas Tote'],
          category: ['shoes', 'bags'],
          price: [15, 499],
        },
      },
    },
  };
  const options = { customers: 300, model: viewing, customEvents: declared };

  it('come at the declared rate with values from the lists, valid as ingest checks them, and leave purchases as they were', () => {
    const events = run(options);
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const viewed = events.filter((e) => e.type === 'product-viewed') as CustomEvent[];
    // A customer views from their first purchase to the year's end: half a year on average, 4 a month.
    const perCustomerMonth = viewed.length / 300 / 6;
    expect(perCustomerMonth).toBeGreaterThan(3.4);
    expect(perCustomerMonth).toBeLessThan(4.6);
    expect(new Set(viewed.map((e) => e.properties.category))).toEqual(new Set(['shoes', 'bags']));
    expect(new Set(viewed.map((e) => e.properties.price))).toEqual(new Set([15, 499]));
    expect(viewed[0]?.eventId).toMatch(/^product-viewed-\d+$/);
    // Every customer's first event is still their profile, and their purchases are those without the model.
    const plain = run({ customers: 300 });
    expect(events.filter((e) => e.type !== 'product-viewed')).toEqual(plain);
    expect(run(options)).toEqual(events);
  });

  it('are checked against settings.yaml: an undeclared type, an undeclared property, a bad value, a required one missing', () => {
    const bad = (customEvents: PopulationModelInput['customEvents']) => {
      try {
        run({ ...options, model: { customEvents } });
      } catch (e) {
        return (e as PopulationModelError).problems.map((p) => [p.field, p.value, p.expected]);
      }
      return [];
    };
    expect(bad({ 'cart-left': { perMonth: 1 } })).toEqual([
      [
        'customEvents.cart-left',
        'cart-left',
        'an event declared in settings.yaml customEvents: product-viewed',
      ],
    ]);
    expect(
      bad({
        'product-viewed': {
          perMonth: 1,
          properties: { productId: ['sku-1'], colour: ['red'], price: ['cheap'] },
        },
      }),
    ).toEqual([
      [
        'customEvents.product-viewed.properties.colour',
        'colour',
        'a property product-viewed declares: productId, productName, category, price, searchQuery',
      ],
      ['customEvents.product-viewed.properties.price[0]', 'cheap', 'a number'],
      [
        'customEvents.product-viewed.properties',
        ['productId', 'colour', 'price'],
        'values for every property product-viewed requires: productName missing',
      ],
    ]);
    expect(() => parsePopulationModel({ customEvents: { x: { perMonth: 0 } } }, 'model.yaml')).toThrow(
      PopulationModelError,
    );
  });
});
