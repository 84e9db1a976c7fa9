import fc from 'fast-check';
import { loadWorkflows } from '../../domain/config/load';
import { dueInstants, dueTimes, firstDueInstant, placement } from '../../domain/lifecycle/classify';
import { lifecycleDueAt, newProfile } from '../../domain/lifecycle/apply';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A customer with purchases on these days (repeats allowed: times that coincide are one due time). */
function customer(days: number[]): Profile {
  const sorted = [...days].sort((a, b) => a - b);
  const at = (d: number) => new Date(START + d * DAY).toISOString();
  return {
    ...newProfile('c-1', lifecycle, new Date(START)),
    purchaseCount: sorted.length,
    recentPurchases: sorted.map((d, i) => ({ eventId: `e-${i}`, at: at(d), amount: 10, currency: 'USD' })),
    ...(sorted.length ? { lastPurchaseAt: at(sorted.at(-1)!) } : {}),
  };
}

describe('due times: each once, earliest first, only after the given instant', () => {
  it('the first of them is the next due time, and lifecycleDueAt says it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 12 }),
        fc.integer({ min: -10, max: 1600 }),
        (days, afterDay) => {
          const profile = { ...customer(days), evaluatedAt: new Date(START + afterDay * DAY).toISOString() };
          const after = START + afterDay * DAY;
          const all = dueInstants(profile, lifecycle, after);
          expect(all).toEqual([...new Set(all)].sort((a, b) => a - b));
          expect(all.every((t) => t > after)).toBe(true);
          expect(dueTimes(profile, lifecycle, new Date(after)).map((d) => d.getTime())).toEqual(all);
          expect(firstDueInstant(profile, lifecycle, after)).toBe(all[0]);
          expect(lifecycleDueAt(profile, lifecycle)).toBe(
            all[0] === undefined ? undefined : new Date(all[0]).toISOString(),
          );
        },
      ),
    );
  });

  it('stage and tier change only at a due time: a day with none places the customer as the day before', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 8 }), (days) => {
        const profile = customer(days);
        const due = new Set(dueInstants(profile, lifecycle, START));
        const at = (d: number) => placement(profile, lifecycle, new Date(START + d * DAY));
        for (let d = 0; d < 800; d++) {
          const quiet = ![...due].some((t) => t > START + d * DAY && t <= START + (d + 1) * DAY);
          if (quiet) expect({ day: d + 1, ...at(d + 1) }).toEqual({ day: d + 1, ...at(d) });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a purchase and the thresholds after it: 365 days on (window and lost) is one due time', () => {
    const profile = customer([0]);
    expect(dueTimes(profile, lifecycle, new Date(START)).map((d) => d.toISOString())).toEqual([
      '2026-04-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });
});
