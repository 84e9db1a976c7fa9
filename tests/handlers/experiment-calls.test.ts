import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { evaluateExperiments } from '../../domain/experiments/evaluate';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { customersIn, executionOf, experimentJourney } from '../support/experiments';
import { WORKFLOWS_DIR } from '../support/paths';
import { countCalls } from '../support/sdk-calls';
import { seedProfile, startDynalite, type LocalDynamo } from './support';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const DAY = 86_400_000;
const journey = experimentJourney();
const split = (customerId: string, route: boolean) => ({
  action: 'split',
  customerId,
  journeyId: journey.id,
  journeyVersion: 1,
  stepId: 'ab',
  executionId: executionOf(journey, customerId),
  paths: [
    { name: 'plain', percent: 50, holdout: false },
    { name: 'offer', percent: 50, holdout: false },
  ],
  ...(route && { route: true }),
});

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

describe('the DynamoDB calls of an experiment (issue 13)', () => {
  it('a split decision: one read and one write; routing adds one read per container, not per decision', async () => {
    const table = await dynamo.freshTable();
    const clock = fixedClock('2026-01-01T10:00:00Z');
    const customers = customersIn(journey, 0, 100, 20);
    for (const c of customers) await seedProfile(table.store, lifecycle, { customerId: c });
    const calls = countCalls(dynamo.clientFor('journey-step'));
    for (const route of [false, true]) {
      // A new container each time: its cache of verdicts starts empty.
      const store = table.storeFor('journey-step');
      const handler = createJourneyStepHandler({ ...createObservability(), store, clock });
      calls.reset();
      for (const c of customers.slice(route ? 10 : 0, route ? 20 : 10))
        await invokeLambda('rapport-journey-step', handler, split(c, route));
      expect([route, calls.byCommand()]).toEqual([route, { GetItem: route ? 11 : 10, PutItem: 10 }]);
    }
  });

  it("the sweeper's evaluation: a read of the verdict, the tally, the index shards, two reads per decision counted once", async () => {
    const table = await dynamo.freshTable();
    const clock = fixedClock('2026-01-01T10:00:00Z');
    const store = table.storeFor('journey-step');
    const handler = createJourneyStepHandler({ ...createObservability(), store, clock });
    const customers = customersIn(journey, 0, 100, 10);
    for (const c of customers) {
      await seedProfile(table.store, lifecycle, { customerId: c });
      await invokeLambda('rapport-journey-step', handler, split(c, true));
    }
    clock.advance(15 * DAY);
    // The sweep's coordinator evaluates experiments (functions/sweep): its grants, its calls.
    const calls = countCalls(dynamo.clientFor('sweep'));
    const deps = { store: table.storeFor('sweep'), clock, journeys: [journey] };
    expect(await evaluateExperiments(deps)).toEqual([]);
    // 64 due-index shards (the default scale) queried side by side; each decision's record and entries.
    expect(calls.byCommand()).toEqual({ GetItem: 2 + 10, Query: 64 + 10, PutItem: 1 });
    calls.reset();
    clock.advance(DAY);
    await evaluateExperiments(deps);
    // The next run counts only what is new: nothing here.
    expect(calls.byCommand()).toEqual({ GetItem: 2, Query: 64 });
  });
});
