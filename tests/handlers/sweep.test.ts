import { ingestEvent } from '../../domain/ingest';
import { newProfile } from '../../domain/lifecycle/apply';
import { wiredSweepHandler } from '../support/sweep';
import { experimentJourney } from '../support/experiments';
import { invokeLambda } from '../../local/lambda';
import { lifecycleDeps } from '../support/lifecycle';
import { capturedLogLines } from '../support/logs';
import { spiedObservability } from '../support/metrics';

describe('sweep handler', () => {
  it('counts and logs each customer it parks (no personal data), and still moves the others', async () => {
    const deps = lifecycleDeps('2026-01-01T00:00:00Z');
    const { store, clock } = deps;
    const legacy = {
      ...newProfile('c-far', deps.lifecycle, clock.now()),
      email: 'far@example.com',
      dueAt: '+010000-03-30T00:00:00.000Z',
      version: 1,
    };
    store.profiles.set('c-far', legacy);
    store.due.set('c-far', legacy.dueAt);
    await ingestEvent(
      {
        eventId: 'p',
        type: 'purchase',
        customerId: 'c-due',
        at: '2026-01-01T00:00:00Z',
        amount: 5,
        currency: 'USD',
      },
      deps,
    );
    clock.set('2026-04-10T00:00:00Z');

    const { logger, metrics, published } = spiedObservability();
    const out = capturedLogLines();
    try {
      await invokeLambda('rapport-sweep', wiredSweepHandler({ ...deps, logger, metrics }), {});
    } finally {
      out.restore();
    }

    const parkedLine = out.lines.find((l) => l.message === 'customer parked by the sweep');
    expect(parkedLine).toMatchObject({
      level: 'WARN',
      customerId: 'c-far',
      reason: 'due-out-of-range',
      recorded: true,
    });
    expect(JSON.stringify(out.lines)).not.toContain('far@example.com');
    expect(published).toEqual({
      SweepCustomersQueued: 2,
      SweepItemsParked: 1,
      CustomersSwept: 2,
      StageChanges: 1,
    });
    expect(store.profiles.get('c-due')?.stage).toBe('dormant');
  });

  it('logs an experiment evaluation that fails and still returns the sweep it ran', async () => {
    const deps = lifecycleDeps('2026-01-01T00:00:00Z', [experimentJourney()]);
    const store = {
      ...deps.store,
      getExperiment: () => Promise.reject(new Error('throttled')),
    };
    const { logger, metrics } = spiedObservability();
    const out = capturedLogLines();
    let result: unknown;
    try {
      const handler = wiredSweepHandler({ ...deps, store, logger, metrics });
      result = await invokeLambda('rapport-sweep', handler, {});
    } finally {
      out.restore();
    }
    expect(
      out.lines.find((l) => l.message === 'experiment evaluation failed: tried again next sweep'),
    ).toMatchObject({
      level: 'ERROR',
    });
    expect(result).toMatchObject({ queued: 0 });
  });
});
