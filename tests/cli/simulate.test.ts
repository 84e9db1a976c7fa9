import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import type { SimulationResult } from '../../domain/simulate/result';

const ROOT = join(__dirname, '..', '..');

const capture = runCli;

describe('rapport simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-simulate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a generated population and answers in JSON: stages, messages, usage and the bill', async () => {
    const { code, out } = await capture([
      'simulate',
      '--generate',
      '40',
      '--months',
      '2',
      '--sweep',
      'daily',
      '--json',
      '--workflows',
      join(ROOT, 'workflows'),
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(out) as SimulationResult;
    expect(result.customers).toBeGreaterThan(0);
    expect(result.period).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(result.weeks.length).toBe(9);
    expect(result.usage.stateTransitions).toBeGreaterThan(0);
    // Every email the providers were given is a message the funnel counts as sent (SMS are the rest).
    const sent = result.journeys.flatMap((j) => j.funnel).reduce((n, s) => n + (s.sent ?? 0), 0);
    expect(result.usage.sesEmails).toBeGreaterThan(0);
    expect(result.usage.sesEmails).toBeLessThanOrEqual(sent);
    expect(result.cost.totalUsdPerMonth).toBeGreaterThan(0);
  }, 120_000);

  it('--workers 2 simulates the population in two processes and gives the same result', async () => {
    const args = ['simulate', '--generate', '60', '--months', '1', '--sweep', 'daily', '--json'];
    const workflows = ['--workflows', join(ROOT, 'workflows')];
    const one = await capture([...args, ...workflows]);
    const two = await capture([...args, ...workflows, '--workers', '2']);
    expect([one.code, two.code]).toEqual([0, 0]);
    const [a, b] = [one, two].map((r) => JSON.parse(r.out) as SimulationResult);
    expect(b!.customers).toBe(a!.customers);
    expect(b!.weeks).toEqual(a!.weeks);
    expect(b!.journeys).toEqual(a!.journeys);
    expect(b!.usage.stateTransitions).toBe(a!.usage.stateTransitions);
    expect(b!.usage.sesEmails).toBe(a!.usage.sesEmails);
    expect(b!.usage.dynamodb.writeRequestUnits).toBe(a!.usage.dynamodb.writeRequestUnits);
  }, 120_000);

  it('refuses a number of workers that is not a whole number', async () => {
    const { code, err } = await capture(['simulate', '--generate', '10', '--workers', 'two']);
    expect(code).toBe(2);
    expect(err).toContain('--workers: got "two"; expected a whole number of processes, e.g. 2');
  });

  it('refuses a batch that is not a whole number of customers', async () => {
    const { code, err } = await capture(['simulate', '--generate', '10', '--batch', '0.5']);
    expect(code).toBe(2);
    expect(err).toContain('--batch: got "0.5"; expected a whole number of customers, e.g. 10000');
  });

  it('reads a history with a column mapping, writes the report, and prints the summary', async () => {
    const csv = join(dir, 'orders.csv');
    writeFileSync(
      csv,
      [
        'order,customer,when,total,mail',
        'o-1,42,2026-01-05T10:00:00+08:00,19.90,li@example.com',
        'o-2,43,2026-01-06T10:00:00+08:00,300,wang@example.com',
        'o-3,42,2026-02-10T10:00:00+08:00,50,li@example.com',
      ].join('\n'),
    );
    const mapping = join(dir, 'mapping.yaml');
    writeFileSync(
      mapping,
      [
        'format: csv',
        'header: true',
        'columns: { customerId: customer, time: when, amount: total, orderId: order, email: mail }',
        'currency: CNY',
        'defaults: { locale: en, timeZone: Asia/Shanghai }',
      ].join('\n'),
    );
    const report = join(dir, 'report.html');
    const { code, out, err } = await capture([
      'simulate',
      '--history',
      csv,
      '--mapping',
      mapping,
      '--sweep',
      'daily',
      '--report',
      report,
      '--workflows',
      join(ROOT, 'workflows'),
    ]);
    expect({ code, err: err.replace(/report written to .*/, '') }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/first-small-purchase/);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>/i);
  }, 120_000);

  it('refuses a history with bad lines, naming each one, and simulates nothing', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(
      csv,
      ['customer,when,total', '42,yesterday,19.90', '43,2026-01-06T10:00:00Z,lots'].join('\n'),
    );
    const mapping = join(dir, 'bad-mapping.yaml');
    writeFileSync(
      mapping,
      'format: csv\nheader: true\ncolumns: { customerId: customer, time: when, amount: total }\ncurrency: CNY\n',
    );
    const { code, err } = await capture(['simulate', '--history', csv, '--mapping', mapping]);
    expect(code).toBe(1);
    expect(err).toMatch(/bad\.csv:2/);
    expect(err).toMatch(/bad\.csv:3/);
  });

  it("refuses a period outside the history before simulating, naming the history's span once", async () => {
    const csv = join(dir, 'span.csv');
    writeFileSync(csv, ['customer,when,total', '42,2026-01-05T10:00:00Z,19.90'].join('\n'));
    const mapping = join(dir, 'span-mapping.yaml');
    writeFileSync(
      mapping,
      'format: csv\nheader: true\ncolumns: { customerId: customer, time: when, amount: total }\ncurrency: CNY\nshiftYears: 1\n',
    );
    const base = ['simulate', '--history', csv, '--mapping', mapping];
    const early = await capture([...base, '--to', '2026-06-01T00:00:00Z']);
    expect(early.code).toBe(1);
    expect(early.err).toContain(
      '--to: got "2026-06-01T00:00:00Z"; expected a time after the period\'s start, 2027-01-05',
    );
    expect(early.err).toContain('shifted by 1 year,');
    // Each problem once: the message's own list is not printed again under it.
    expect(early.err.split('--to: got').length).toBe(2);
    const outside = await capture([
      ...base,
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-02-01T00:00:00Z',
    ]);
    expect(outside.code).toBe(1);
    expect(outside.err).toContain("expected a period that overlaps the history's purchases");
  });

  it('explains what it needs when the arguments are wrong, through the real binary', () => {
    const res = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'rapport.cjs'), 'simulate', '--generate', 'many'],
      {
        encoding: 'utf8',
      },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--generate: got "many"; expected a number of customers/);
    expect(res.stderr).toMatch(/Usage: rapport simulate/);
  }, 60_000);
});
