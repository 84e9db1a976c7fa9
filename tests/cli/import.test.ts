import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { inbox, itemsOf, profileOf, WORKFLOWS_DIR } from '../support/local';

const capture = runCli;

/**
 * CDNOW's format; the preset moves 1997–98 on 28 years and takes each date at noon in New York
 * (17:00Z in winter, 16:00Z in summer).
 */
const HISTORY = [
  'customer_id date number_of_cds dollar_value',
  // One purchase on 2026-01-01: first-purchase at the as-of date, dormant on 2026-04-01 at 17:00Z.
  '00001 19980101 1 11.77',
  // Two in early 2025, nothing since: lost a year after the last.
  '00002 19970101 1 20.00',
  '00002 19970201 2 25.00',
  // 3,500 USD within the year: loyal and vip.
  '00003 19980110 10 2000.00',
  '00003 19980220 8 1500.00',
  // After the as-of time: left out, so this customer is not imported.
  '00004 19980320 1 15.00',
].join('\n');
const AS_OF = '2026-03-15T00:00:00Z';

describe('rapport import: a history into the local store, then npm start on it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-import-'));
  const file = join(dir, 'cdnow.txt');
  const dataDir = join(dir, 'data');
  const importOf = (history: string, data: string, ...more: string[]) =>
    capture(['import', history, '--format', 'cdnow', '--as-of', AS_OF, '--data', data, ...more]);
  let time: VirtualTime | undefined;
  let runtime: LocalRuntime | undefined;
  /** `npm start` on the imported folder, on virtual time from the as-of instant. */
  const startOnImported = async (sweepEveryMs: number) => {
    time = installVirtualTime(AS_OF);
    return startLocalRuntime({ dataDir, workflowsDir: WORKFLOWS_DIR, clock: time.clock, sweepEveryMs });
  };
  beforeAll(() => writeFileSync(file, HISTORY));
  afterAll(async () => {
    await runtime?.stop();
    time?.uninstall();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every customer as of the date and says what it left out', async () => {
    const { code, out, err } = await importOf(file, dataDir);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Imported 3 customers and 5 purchases (and 3 profile updates)');
    expect(out).toContain('as of 2026-03-15T00:00:00.000Z');
    expect(out).toContain('Left out: 2 events after the as-of time (1 purchase).');
    expect(out).toMatch(/Stages: (?=.*first-purchase 1)(?=.*lost 1)(?=.*loyal 1)/);
    expect(out).toMatch(/Tiers: +regular 2, vip 1/);
    expect(out).toContain('Due later: 2 customers (the first at 2026-04-01T17:00:00.000Z)');
  }, 30_000);

  it('refuses to import into a store that holds customers, and a history with a problem, writing nothing', async () => {
    const again = await importOf(file, dataDir);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already holds customers; nothing was imported');
    expect(again.err).toContain('--replace');

    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, `${HISTORY}\n00005 19981301 1 12.00`);
    const other = join(dir, 'other');
    const refused = await importOf(bad, other);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/bad\.txt:8:2 date \(at\): got "19981301"/);
    expect(refused.err).toContain('nothing was imported');
    // Nothing half-written: the same folder takes a good import without --replace.
    const good = await importOf(file, other);
    expect(good.code).toBe(0);
  }, 30_000);

  it('reads any history through a column mapping, cutting off at the as-of instant whatever the offset', async () => {
    const csv = join(dir, 'orders.csv');
    writeFileSync(
      csv,
      [
        'order,customer,when,total,mail',
        'o-1,42,2026-01-05T10:00:00+08:00,19.90,li@example.com',
        'o-1,42,2026-01-05T10:00:00+08:00,5.10,li@example.com',
        // 2026-03-14T23:30Z: before the as-of time, though its text sorts after it.
        'o-2,43,2026-03-15T08:30:00+09:00,300,wang@example.com',
        // 2026-03-15T00:45Z: after it, though its text sorts before it.
        'o-3,44,2026-03-14T23:45:00-01:00,50,zhao@example.com',
      ].join('\n'),
    );
    const mapping = join(dir, 'mapping.yaml');
    writeFileSync(
      mapping,
      'columns: { customerId: customer, time: when, amount: total, orderId: order, email: mail }\ncurrency: CNY\n',
    );
    const data = join(dir, 'mapped');
    const { code, out } = await capture([
      'import',
      csv,
      '--mapping',
      mapping,
      '--as-of',
      AS_OF,
      '--data',
      data,
    ]);
    expect(code).toBe(0);
    expect(out).toContain('Imported 2 customers and 2 purchases (and 2 profile updates)');
    expect(out).toContain('Left out: 2 events after the as-of time (1 purchase).');
  }, 30_000);

  it('npm start opens on the imported population: stages, tiers and histories, no execution, no message', async () => {
    runtime = await startOnImported(86_400_000);
    const first = await profileOf(runtime, 'cdnow-00001');
    expect(first).toMatchObject({ stage: 'first-purchase', tier: 'regular', purchaseCount: 1 });
    expect(first?.dueAt).toBe('2026-04-01T17:00:00.000Z');
    const lost = await profileOf(runtime, 'cdnow-00002');
    expect(lost?.stageHistory.map((c) => [c.to, c.at.slice(0, 10)])).toEqual([
      ['first-purchase', '2025-01-01'],
      ['active', '2025-02-01'],
      ['dormant', '2025-05-02'],
      ['lost', '2026-02-01'],
    ]);
    expect(lost?.dueAt).toBeUndefined();
    const vip = await profileOf(runtime, 'cdnow-00003');
    expect(vip).toMatchObject({ stage: 'loyal', tier: 'vip' });
    expect(vip?.tierHistory.at(-1)).toMatchObject({ to: 'vip', at: '2026-02-20T17:00:00Z' });
    expect(await profileOf(runtime, 'cdnow-00004')).toBeUndefined();

    expect(runtime.stepFunctions.listExecutions()).toEqual([]);
    expect(await inbox(runtime)).toEqual([]);
    expect(runtime.outbox.messages).toEqual([]);
    expect(await itemsOf(runtime, 'cdnow-00001', 'MESSAGE#')).toEqual([]);
  }, 30_000);

  it('refuses to import while Rapport runs on the data folder', async () => {
    const { code, err } = await importOf(file, dataDir, '--replace');
    expect(code).toBe(1);
    expect(err).toContain('another Rapport is already running on');
    expect(err).toContain('stop it');
  });

  it('journeys start only from the as-of time on: the customer who goes dormant after it is woken', async () => {
    await time!.run(runtime!.activity, { until: '2026-04-03T00:00:00Z' });
    const dormant = await profileOf(runtime!, 'cdnow-00001');
    expect(dormant?.stageHistory.at(-1)).toMatchObject({ to: 'dormant', at: '2026-04-01T17:00:00.000Z' });
    const executions = runtime!.stepFunctions.listExecutions();
    expect(executions.map((e) => JSON.parse(e.input) as { customerId: string; journeyId: string })).toEqual([
      expect.objectContaining({ customerId: 'cdnow-00001', journeyId: 'dormancy-reactivation' }),
    ]);
    const mail = await inbox(runtime!);
    expect(mail.map((m) => m.destination.to)).toEqual([['cdnow-00001@example.com']]);
  }, 60_000);

  it('--replace clears the store, customers and executions, and imports afresh', async () => {
    await runtime!.stop();
    runtime = undefined;
    time!.uninstall();
    time = undefined;
    const { code, out } = await importOf(file, dataDir, '--replace');
    expect(code).toBe(0);
    expect(out).toContain('Imported 3 customers');

    runtime = await startOnImported(0);
    expect(runtime.stepFunctions.listExecutions()).toEqual([]);
    expect((await profileOf(runtime, 'cdnow-00001'))?.stage).toBe('first-purchase');
  }, 30_000);
});
