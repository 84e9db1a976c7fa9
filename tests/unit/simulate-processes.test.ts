import { CUSTOMERS_PER_EXTRA_PROCESS, processesFor } from '../../domain/simulate/shard';

describe('how many processes simulate a population', () => {
  it('is what was asked for, whatever the population', () => {
    expect(processesFor(3, 10, 2)).toBe(3);
    expect(processesFor(1, 1_000_000, 8)).toBe(1);
  });

  it.each([
    // A small population: one process, as a second would spend more starting than it saves.
    [0, 2, 1],
    [5_000, 8, 1],
    [CUSTOMERS_PER_EXTRA_PROCESS * 2 - 1, 8, 1],
    // CDNOW's 23,570 customers: both cores of a 2-core machine, and no more than 2 on a bigger one.
    [23_570, 2, 2],
    [23_570, 8, 2],
    // A million: one per core.
    [1_000_000, 2, 2],
    [1_000_000, 16, 16],
    // One core: one process.
    [1_000_000, 1, 1],
  ])('with auto, %i customers on %i cores: %i', (customers, cores, expected) => {
    expect(processesFor('auto', customers, cores)).toBe(expected);
  });
});
