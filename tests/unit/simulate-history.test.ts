import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readHistoryFile } from '../../adapters/history/file';
import type { Problem } from '../../domain/errors';
import {
  CDNOW_MAPPING,
  HistoryMapping,
  parseHistoryMapping,
  type HistoryMappingInput,
} from '../../domain/simulate/history/mapping';
import {
  checkHistory,
  HistoryValidationError,
  parseHistory,
  type HistoryOptions,
} from '../../domain/simulate/history/parse';
import type { HistoryEvent } from '../../domain/simulate/history/timeline';

const SHOP: HistoryMappingInput = {
  columns: {
    customerId: 'Customer',
    time: 'Time',
    amount: 'Total',
    currency: 'Currency',
    orderId: 'Invoice',
    email: 'Email',
    timeZone: 'Zone',
    birthday: 'Born',
    emailConsent: 'News',
  },
  defaultTimeZone: 'Asia/Shanghai',
};

async function eventsOf(
  text: string,
  mapping: HistoryMappingInput = SHOP,
  options: Partial<HistoryOptions> = {},
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const e of parseHistory([text], HistoryMapping.parse(mapping), {
    source: 'shop.csv',
    ...options,
  }))
    events.push(e);
  return events;
}

async function problemsOf(
  text: string,
  mapping: HistoryMappingInput = SHOP,
  options: Partial<HistoryOptions> = {},
): Promise<{ problems: readonly Problem[]; yielded: number }> {
  let yielded = 0;
  try {
    for await (const _ of parseHistory([text], HistoryMapping.parse(mapping), {
      source: 'shop.csv',
      ...options,
    }))
      yielded++;
  } catch (e) {
    if (e instanceof HistoryValidationError) return { problems: e.problems, yielded };
    throw e;
  }
  throw new Error('expected the history to be refused');
}

const HEADER = 'Customer,Time,Total,Currency,Invoice,Email,Zone,Born,News\n';

describe('a purchase history with a column mapping', () => {
  it('maps columns to a profile event before the first purchase, with the attributes validated', async () => {
    const events = await eventsOf(
      HEADER + 'c-1,2026-03-01T10:00:00+08:00,19.90,CNY,A1,li@example.com,Asia/Shanghai,1990-05-15,yes\n',
    );
    expect(events).toEqual([
      {
        eventId: 'profile-line-2',
        type: 'profile',
        customerId: 'c-1',
        at: '2026-03-01T02:00:00Z',
        customer: {
          email: 'li@example.com',
          timeZone: 'Asia/Shanghai',
          consent: { email: 'subscribed' },
          attributes: { birthday: '1990-05-15' },
        },
      },
      {
        eventId: 'order-A1',
        type: 'purchase',
        customerId: 'c-1',
        at: '2026-03-01T02:00:00Z',
        amount: 19.9,
        currency: 'CNY',
        orderId: 'A1',
      },
    ]);
  });

  it('groups the lines of one order into one purchase, amounts summed; lines without an order stay apart', async () => {
    const events = await eventsOf(
      'Customer,Time,Total,Currency,Invoice\n' +
        'c-1,2026-03-01T10:00:00Z,11.77,USD,A1\n' +
        'c-2,2026-03-01T10:05:00Z,5,USD,B7\n' +
        'c-1,2026-03-01T10:00:00Z,12.00,USD,A1\n' +
        'c-1,2026-03-01T11:00:00Z,3,USD,\n' +
        'c-1,2026-03-01T12:00:00Z,4,USD,\n',
      {
        columns: {
          customerId: 'Customer',
          time: 'Time',
          amount: 'Total',
          currency: 'Currency',
          orderId: 'Invoice',
        },
      },
    );
    expect(events.map((e) => [e.customerId, e.eventId, e.type === 'purchase' ? e.amount : 0])).toEqual([
      ['c-1', 'order-A1', 23.77],
      ['c-2', 'order-B7', 5],
      ['c-1', 'line-5', 3],
      ['c-1', 'line-6', 4],
    ]);
  });

  it('orders by instant, not by the text of the time: 10:00+01:00 comes before 09:30Z', async () => {
    const events = await eventsOf(
      'Customer,Time,Total\nlate,2026-03-01T09:30:00Z,1\nearly,2026-03-01T10:00:00+01:00,2\n',
      { columns: { customerId: 'Customer', time: 'Time', amount: 'Total' }, currency: 'EUR' },
    );
    expect(events.map((e) => [e.customerId, e.at])).toEqual([
      ['early', '2026-03-01T09:00:00Z'],
      ['late', '2026-03-01T09:30:00Z'],
    ]);
  });

  it("takes a date at noon in the customer's time zone, or the default one, and sorts the day's zones", async () => {
    const events = await eventsOf(
      'Customer,Time,Total,Zone\nny,2026-07-01,1,America/New_York\nsh,2026-07-01,2,\nlon,20260701,3,Europe/London\n',
      {
        columns: { customerId: 'Customer', time: 'Time', amount: 'Total', timeZone: 'Zone' },
        currency: 'USD',
        defaultTimeZone: 'Asia/Shanghai',
      },
    );
    expect(events.filter((e) => e.type === 'purchase').map((e) => [e.customerId, e.at])).toEqual([
      ['sh', '2026-07-01T04:00:00Z'],
      ['lon', '2026-07-01T11:00:00Z'],
      ['ny', '2026-07-01T16:00:00Z'],
    ]);
  });

  it('emits a new profile event only when what the file says about a customer changes', async () => {
    const events = await eventsOf(
      HEADER +
        'c-1,2026-03-01T10:00:00Z,1,USD,,a@example.com,,,\n' +
        'c-1,2026-03-02T10:00:00Z,1,USD,,a@example.com,,,\n' +
        'c-1,2026-03-03T10:00:00Z,1,USD,,b@example.com,,,no\n',
    );
    expect(events.map((e) => e.eventId)).toEqual([
      'profile-line-2',
      'line-2',
      'line-3',
      'profile-line-4',
      'line-4',
    ]);
    expect(events[3]).toMatchObject({
      customer: { email: 'b@example.com', consent: { email: 'unsubscribed' } },
    });
  });

  it('collects every problem with its file, line, column, value and what was expected, and yields nothing', async () => {
    const { problems, yielded } = await problemsOf(
      HEADER +
        'c-1,2026-03-01T10:00:00Z,19.90,CNY,A1,li@example.com,,,\n' +
        'c-2,03/01/2026,1.5,CNY,A2,not-an-email,,,\n' +
        'c-3,2026-03-01T11:00:00Z,1.234,56,cny,A3,,Mars/Base,,maybe\n' +
        'c 4,2026-02-30,-1,CNY,A4,,,1990-13-01,\n',
    );
    expect(yielded).toBe(0);
    const at = (line: number, column: number) =>
      problems.filter((p) => p.line === line && p.column === column).map((p) => [p.field, p.value]);
    expect(problems.every((p) => p.source === 'shop.csv')).toBe(true);
    expect(at(3, 2)).toEqual([['Time (at)', '03/01/2026']]);
    expect(at(3, 6)).toEqual([['Email (customer.email)', 'not-an-email']]);
    // A stray comma shifts the cells: the currency column holds "56", the zone column "A3"…
    expect(at(4, 4)).toEqual([['Currency (currency)', '56']]);
    expect(at(5, 1)).toEqual([['Customer (customerId)', 'c 4']]);
    expect(at(5, 2)).toEqual([['Time (at)', '2026-02-30']]);
    expect(at(5, 3)).toEqual([['Total (amount)', '-1']]);
    expect(at(5, 8)).toEqual([['Born (customer.attributes.birthday)', '1990-13-01']]);
    expect(problems.find((p) => p.line === 5 && p.column === 3)?.expected).toMatch(/0 or more/);
    expect(problems.find((p) => p.line === 3 && p.column === 2)?.expected).toMatch(/ISO 8601/);
  });

  it('stops after maxProblems problems and says where', async () => {
    const bad = Array.from({ length: 50 }, (_, i) => `c-${i},yesterday,1,USD,,,,,\n`).join('');
    const { problems } = await problemsOf(HEADER + bad, SHOP, { maxProblems: 5 });
    expect(problems).toHaveLength(6);
    expect(problems[5]).toMatchObject({ line: 7, expected: expect.stringMatching(/stopped here after 5/) });
  });

  it('names a mapped column the header does not have, listing those it has', async () => {
    const { problems } = await problemsOf('Kunde,Zeit,Summe\nc-1,2026-03-01,1\n', {
      columns: { customerId: 'Kunde', time: 'Zeit', amount: 'Total' },
      currency: 'EUR',
    });
    expect(problems).toEqual([
      {
        source: 'shop.csv',
        line: 1,
        field: 'columns.amount',
        value: 'Total',
        expected: 'a column of the header line: "Kunde", "Zeit", "Summe"',
      },
    ]);
  });

  it('refuses a time before settings events.earliest, as ingest does', async () => {
    const { problems } = await problemsOf('Customer,Time,Total\nc-1,1999-12-31T00:00:00Z,1\n', {
      columns: { customerId: 'Customer', time: 'Time', amount: 'Total' },
      currency: 'USD',
    });
    expect(problems).toMatchObject([
      { line: 2, column: 2, field: 'Time (at)', value: '1999-12-31T00:00:00Z' },
    ]);
  });

  it('streams a file in time order, and refuses a line later than the window once events went out', async () => {
    const mapping = {
      columns: { customerId: 'Customer', time: 'Time', amount: 'Total' },
      currency: 'USD',
      window: '1d',
    };
    const lines = [
      'Customer,Time,Total',
      'a,2026-03-01T10:00:00Z,1',
      'b,2026-03-05T10:00:00Z,1',
      'c,2026-03-01T05:00:00Z,1',
    ];
    const { problems, yielded } = await problemsOf(lines.join('\n'), mapping);
    expect(yielded).toBe(1);
    expect(problems).toMatchObject([
      { line: 4, field: 'at', expected: expect.stringMatching(/order: "any"/) },
    ]);
    // Sorted in memory, the same file is read whole.
    const sorted = await eventsOf(lines.join('\n'), mapping, { order: 'any' });
    expect(sorted.map((e) => e.customerId)).toEqual(['c', 'a', 'b']);
  });

  it('holds a sorted file only a window at a time', async () => {
    const mapping = HistoryMapping.parse({
      columns: { customerId: 1, time: 2, amount: 3 },
      header: false,
      currency: 'USD',
      window: '1h',
    });
    const day = Date.parse('2026-01-01T00:00:00Z');
    let yieldedBeforeEnd = 0;
    let read = 0;
    const rows = function* () {
      for (let i = 0; i < 5000; i++) {
        read++;
        yield `c-${i},${new Date(day + i * 3_600_000).toISOString()},1\n`;
      }
    };
    for await (const _ of parseHistory(rows(), mapping, { source: 'mem' }))
      if (read < 5000) yieldedBeforeEnd++;
    // Only the stream's buffers (16 kB of text) and two hours of lines are ahead of what went out.
    expect(yieldedBeforeEnd).toBeGreaterThan(4000);
  });

  it('reads a mapping from data, with every problem listed', () => {
    expect(() =>
      parseHistoryMapping({ columns: { customerId: 'id' }, currency: 'usd' }, 'mapping.yaml'),
    ).toThrow(/columns\.time[\s\S]*columns\.amount[\s\S]*currency/);
  });
});

/** The data sits beside the checkout (../shared), however deep the checkout is (a git worktree is deeper). */
function findUp(path: string, dir = join(__dirname, '..', '..', '..')): string {
  const candidate = join(dir, path);
  return existsSync(candidate) || dirname(dir) === dir ? candidate : findUp(path, dirname(dir));
}

describe('the CDNOW preset', () => {
  const file = findUp(join('shared', 'data', 'cdnow', 'CDNOW_master.txt'));
  const head = readFileSync(file, 'utf8').split('\n').slice(0, 201).join('\n') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'cdnow-head-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the first 200 lines: one purchase per line, one profile per customer, counted from the raw lines', async () => {
    const raw = head
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    const customers = new Set(raw.map((cells) => cells[0]));
    const dollars = raw.reduce((s, cells) => s + Number(cells[3]), 0);
    const path = join(dir, 'head.txt');
    writeFileSync(path, head);
    const { summary, eventsOf } = await readHistoryFile(path, CDNOW_MAPPING);
    const all: HistoryEvent[] = [];
    for await (const e of eventsOf()) all.push(e);
    const purchases = all.filter((e) => e.type === 'purchase');
    expect(raw).toHaveLength(200);
    expect(summary).toMatchObject({ lines: 200, customers: customers.size, inTimeOrder: false });
    expect(purchases).toHaveLength(200);
    expect(all.filter((e) => e.type === 'profile')).toHaveLength(customers.size);
    expect(purchases.reduce((s, e) => s + e.amount, 0)).toBeCloseTo(dollars, 6);
    expect([...all].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((e) => e.at)).toEqual(
      all.map((e) => e.at),
    );
    // Customer 00002 bought twice on 12 January 1997, moved 28 years on, at noon in New York.
    expect(purchases.filter((e) => e.customerId === 'cdnow-00002').map((e) => [e.at, e.amount])).toEqual([
      ['2025-01-12T17:00:00Z', 12],
      ['2025-01-12T17:00:00Z', 77],
    ]);
    expect(all.find((e) => e.type === 'profile' && e.customerId === 'cdnow-00002')).toMatchObject({
      customer: { email: 'cdnow-00002@example.com', locale: 'en', timeZone: 'America/New_York' },
    });
  });

  it('checks the file before yielding: a bad line is named with its line and column', async () => {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, head.replace(' 00003 19970102  2   20.76', ' 00003 19970132  2   20,76'));
    await expect(readHistoryFile(path, CDNOW_MAPPING)).rejects.toMatchObject({
      problems: [
        { line: 5, column: 2, field: 'date (at)', value: '19970132' },
        { line: 5, column: 4, field: 'dollar_value (amount)', value: '20,76' },
      ],
    });
    const summary = await checkHistory([head], CDNOW_MAPPING, { source: 'x' });
    expect(summary.problems).toEqual([]);
  });
});
