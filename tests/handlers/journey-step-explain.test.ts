import { readCustomerItems } from '../../adapters/dynamodb/customer-partition';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { describeEntry } from '../../domain/console/describe';
import { explanationLines } from '../../domain/console/explain-words';
import { buildTimeline } from '../../domain/console/timeline';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/paths';
import { countCalls } from '../support/sdk-calls';
import { seedProfile, startDynalite, type LocalDynamo } from './support';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const origin = {
  customerId: 'c-42',
  journeyId: 'winback',
  journeyVersion: 4,
  executionId: 'arn:aws:states:local:000000000000:execution:rapport-winback:x',
};
// The seeded customer has bought once, a small first purchase.
const branch = {
  ...origin,
  action: 'branch',
  stepId: 'bought-again',
  paths: [
    { name: 'yes', when: { purchaseCount: { min: 2 } } },
    { name: 'small', when: { firstPurchaseSmall: true, stage: ['first-purchase', 'active'] } },
    { name: 'never-evaluated', when: {} },
  ],
};

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

describe('the journey-step handler keeps how it decided a branch, in the decision it writes', () => {
  it('stores each path evaluated up to the taken one with its checks, in one read and one write', async () => {
    const table = await dynamo.freshTable();
    await seedProfile(table.store, lifecycle);
    const handler = createJourneyStepHandler({
      ...createObservability(),
      store: table.storeFor('journey-step'),
      clock: fixedClock('2026-11-22T10:00:05Z'),
    });
    const calls = countCalls(dynamo.clientFor('journey-step'));
    // The Task's output is the decision alone: the ASL reads `path`, the explanation stays in the table.
    expect(await invokeLambda('rapport-journey-step', handler, branch)).toEqual({
      path: 'small',
      holdout: false,
    });
    // As before explanations were kept: the profile read and the decision's conditional put (issue 13).
    expect(calls.byCommand()).toEqual({ GetItem: 1, PutItem: 1 });

    const items = await readCustomerItems(dynamo.client, table.name, 'c-42');
    const [decision] = items.decisions;
    expect(decision?.explanation).toEqual({
      kind: 'branch',
      paths: [
        { name: 'yes', checks: [{ key: 'purchaseCount', wanted: { min: 2 }, had: 1, held: false }] },
        {
          name: 'small',
          checks: [
            { key: 'stage', wanted: ['first-purchase', 'active'], had: 'first-purchase', held: true },
            { key: 'firstPurchaseSmall', wanted: true, had: true, held: true },
          ],
        },
      ],
    });
    const entry = buildTimeline(items).entries.find((e) => e.type === 'decision')!;
    expect(describeEntry(entry)).toBe(
      'winback v4: branch bought-again took "small" ["yes" ✗ purchaseCount; "small" ✓]',
    );
    expect(explanationLines(decision!)).toEqual([
      'path "yes" needs purchaseCount ≥ 2 — had 1 ✗',
      'path "small" needs stage in first-purchase, active — had first-purchase ✓; firstPurchaseSmall is true — had true ✓',
    ]);
  });
});
