import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ConfigValidationError } from '../../domain/errors';
import { firstSmallPurchase, inbox, postEvent } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';

/**
 * A journey changed while customers are in it: those in flight finish on the version they started with,
 * new entries take the new one (Step Functions' own semantics on AWS; the local runtime's on a redeploy).
 */
describe('journey versions', () => {
  let scratch: ScratchRuntime;
  beforeAll(async () => {
    scratch = await startScratchRuntime({}, { virtualStart: '2026-11-22T10:00:05Z' });
  });
  afterAll(() => scratch.stop());

  const journeyFile = () => join(scratch.runtime.workflows.dir, 'journeys', 'first-small-purchase.yaml');
  const tipsAt = async (email: string) =>
    (await inbox(scratch.runtime, email))
      .filter((e) => e.subject.includes('小建议'))
      .map((e) => new Date(e.at * 1000).toISOString());

  it('customers in flight finish on their version; new entries take the new one', async () => {
    const { runtime, time } = scratch;
    const before = await postEvent(
      runtime,
      firstSmallPurchase({ customerId: 'c-old', email: 'old@example.com' }),
    );
    expect(before.status).toBe(202);
    await time!.run(runtime.activity, { until: '2026-11-22T11:00:00Z' });

    // Marketing shortens the wait before the tip from 3 days to 1 and raises the version.
    const current = readFileSync(journeyFile(), 'utf8');
    const old = Number(/^version: (\d+)$/m.exec(current)?.[1]);
    const edited = current
      .replace(/^version: \d+$/m, `version: ${old + 1}`)
      .replace(/(id: let-it-arrive\n\s+type: wait\n\s+duration: )3d/, '$11d');
    expect(edited).toContain('duration: 1d');
    writeFileSync(journeyFile(), edited);
    expect(
      runtime.redeploy().journeys.find((j) => j.journey.id === 'first-small-purchase')?.journey.version,
    ).toBe(old + 1);

    const after = await postEvent(runtime, {
      ...firstSmallPurchase({ customerId: 'c-new', email: 'new@example.com' }),
      at: '2026-11-22T11:00:00Z',
    });
    expect(after.status).toBe(202);
    await time!.run(runtime.activity, { until: '2026-11-27T00:00:00Z' });

    // The customer who entered on the old version gets the tip 3 days in; the one on the new, 1 day in.
    expect(await tipsAt('old@example.com')).toEqual(['2026-11-25T10:00:05.000Z']);
    expect(await tipsAt('new@example.com')).toEqual(['2026-11-23T11:00:00.000Z']);
    const { executions = [] } = await runtime.clients.sfn.send(new ListExecutionsCommand({}));
    const versions = await Promise.all(
      executions.map(async (e) => {
        const d = await runtime.clients.sfn.send(
          new DescribeExecutionCommand({ executionArn: e.executionArn }),
        );
        const input = JSON.parse(d.input!) as { customerId: string; journeyVersion: number };
        return [input.customerId, input.journeyVersion];
      }),
    );
    expect(versions.sort()).toEqual([
      ['c-new', old + 1],
      ['c-old', old],
    ]);
  });

  it('an invalid edit is refused with the file and field, and the deployed version keeps running', async () => {
    const { runtime } = scratch;
    const deployed = runtime.workflows.journeys.find((j) => j.journey.id === 'first-small-purchase')?.journey
      .version;
    writeFileSync(
      journeyFile(),
      readFileSync(journeyFile(), 'utf8').replace('duration: 1d', 'duration: soon'),
    );
    let error: unknown;
    try {
      runtime.redeploy();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      expect.objectContaining({
        source: expect.stringContaining('first-small-purchase.yaml'),
        value: 'soon',
      }),
    ]);
    expect(
      runtime.workflows.journeys.find((j) => j.journey.id === 'first-small-purchase')?.journey.version,
    ).toBe(deployed);
    const res = await postEvent(runtime, {
      ...firstSmallPurchase({ customerId: 'c-later', email: 'later@example.com' }),
      at: '2026-11-27T00:00:00Z',
    });
    expect(res.json()).toMatchObject({ status: 'queued' });
    expect(runtime.stepFunctions.listExecutions().filter((e) => e.name.includes('c-later'))).toHaveLength(1);
  });
});
