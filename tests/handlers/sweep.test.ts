import { Metrics } from '@aws-lambda-powertools/metrics';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { ingestEvent } from '../../domain/ingest';
import { newProfile } from '../../domain/lifecycle/apply';
import { createLogger } from '../../functions/shared/observability';
import { createSweepHandler } from '../../functions/sweep/handler';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/local';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);

/** The handler's log lines (Powertools writes INFO to stdout, WARN to stderr). */
function captured() {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')].map((s) =>
    s.mockImplementation(capture),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

describe('sweep handler', () => {
  it('counts and logs each customer it parks (no personal data), and still moves the others', async () => {
    const store = memoryStore();
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const deps = {
      store,
      starter: memoryStarter(),
      clock,
      lifecycle,
      calendar,
      journeys: [],
      publisher: memoryPublisher(),
    };
    const legacy = {
      ...newProfile('c-far', lifecycle, clock.now()),
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

    const logger = createLogger({ logLevel: 'INFO' });
    const metrics = new Metrics({ namespace: 'Rapport', serviceName: 'rapport', logger });
    const published: Record<string, number> = {};
    // The test setup disables publishing (POWERTOOLS_METRICS_DISABLED): read what the handler adds.
    jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      published[name] = value;
      return metrics;
    });
    const out = captured();
    try {
      await invokeLambda('rapport-sweep', createSweepHandler({ ...deps, logger, metrics }), {});
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
    expect(published).toEqual({ SweepItemsParked: 1, CustomersSwept: 2, StageChanges: 1 });
    expect(store.profiles.get('c-due')?.stage).toBe('dormant');
  });
});
