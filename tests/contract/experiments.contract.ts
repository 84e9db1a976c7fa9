import type { CustomerStore, ExperimentRecord } from '../../domain/ports';
import { decision, pagesOf } from './records';

const at = (day: number) => `2026-06-${String(day).padStart(2, '0')}T00:00:00.000Z`;

const verdict = (winner: string): ExperimentRecord => ({
  journeyId: 'welcome',
  journeyVersion: 1,
  stepId: 'split',
  winner,
  control: 'a',
  onWinner: 'route',
  decidedAt: at(20),
  reason: `"${winner}" converted more`,
  arms: [{ arm: 'a', holdout: false, customers: 30, conversions: 3, rate: 0.1 }],
});

/** The experiments' items: a split's decisions by time, its tally, and its verdict (the first stands). */
export function experimentContract(current: () => CustomerStore): void {
  it('lists a split step’s decisions in a time range, once each, and nothing of other steps or of branches', async () => {
    const store = current();
    for (let day = 1; day <= 5; day++)
      await store.recordDecision({ ...decision(`c-${day}`, `d-${day}`, 'a'), at: at(day) });
    await store.recordDecision({ ...decision('c-6', 'd-6', 'a'), stepId: 'other', at: at(3) });
    await store.recordDecision({ ...decision('c-7', 'd-7', 'yes'), kind: 'branch', at: at(3) });
    const listed = (
      await pagesOf(store.listSplitExposures('welcome', 'split', { after: at(2), through: at(4) }, 1))
    )
      .flat()
      .sort((a, b) => a.at.localeCompare(b.at));
    expect(listed).toEqual([
      { customerId: 'c-3', decisionKey: 'd-3', at: at(3) },
      { customerId: 'c-4', decisionKey: 'd-4', at: at(4) },
    ]);
    // Read back as written, without what indexes it; and never taken for due work.
    expect(await store.getDecision('c-3', 'd-3')).toStrictEqual({
      ...decision('c-3', 'd-3', 'a'),
      at: at(3),
    });
    expect(await pagesOf(store.listDueWork(at(30), 10))).toEqual([]);
    await store.deleteCustomer('c-3');
    const after = await pagesOf(
      store.listSplitExposures('welcome', 'split', { after: at(2), through: at(4) }, 10),
    );
    expect(after.flat().map((e) => e.customerId)).toEqual(['c-4']);
  });

  it('keeps the first verdict of a split, and the tally as last written', async () => {
    const store = current();
    expect(await store.getExperiment('welcome', 'split')).toBeUndefined();
    expect(await store.recordExperiment(verdict('b'))).toStrictEqual(verdict('b'));
    expect(await store.recordExperiment(verdict('c'))).toStrictEqual(verdict('b'));
    expect(await store.getExperiment('welcome', 'split')).toStrictEqual(verdict('b'));
    const tally = {
      journeyId: 'welcome',
      stepId: 'split',
      countedThrough: at(4),
      arms: [{ arm: 'a', holdout: false, customers: 2, conversions: 1 }],
    };
    expect(await store.getExperimentTally('welcome', 'split')).toBeUndefined();
    await store.putExperimentTally(tally);
    await store.putExperimentTally({ ...tally, countedThrough: at(5) });
    expect(await store.getExperimentTally('welcome', 'split')).toStrictEqual({
      ...tally,
      countedThrough: at(5),
    });
  });
}
