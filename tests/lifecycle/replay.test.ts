import { memoryStore } from '../../adapters/memory/stores';
import { loadWorkflows } from '../../domain/config/load';
import { replayLifecycle } from '../../local/replay';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, settings } = loadWorkflows(WORKFLOWS_DIR);
const CUT_OFF = '2026-03-01T09:30:00Z';

const purchase = (eventId: string, customerId: string, at: string, amount = 40) => ({
  eventId,
  type: 'purchase',
  customerId,
  at,
  amount,
  currency: 'USD',
});

describe('the lifecycle replay (rapport import, the CDNOW test)', () => {
  it('orders and cuts off by instant, not by the text of the time', async () => {
    const events = [
      purchase('a-1', 'c-a', '2026-01-01T00:00:00Z'),
      // 09:00Z: before the cut-off, though its text sorts after "2026-03-01T09:30:00Z".
      purchase('a-2', 'c-a', '2026-03-01T10:00:00+01:00'),
      // 09:45Z: after the cut-off, though its text sorts before a-2's. Sorting text, a replay met this
      // one first, stopped there and dropped a-2 as well.
      purchase('b-1', 'c-b', '2026-03-01T09:45:00Z'),
      // 2026-01-31T23:00Z, then 23:30Z: given (and sorting as text) the other way round.
      purchase('c-2', 'c-c', '2026-01-31T23:30:00Z', 10),
      purchase('c-1', 'c-c', '2026-02-01T08:00:00+09:00', 20),
    ];
    const r = await replayLifecycle(events, { lifecycle, eventTimes: settings.events, asOf: CUT_OFF });

    expect(r.rejected).toEqual([]);
    expect({ applied: r.applied, leftOut: r.leftOut }).toEqual({ applied: 4, leftOut: 1 });
    expect(r.store.profiles.get('c-a')?.purchaseCount).toBe(2);
    expect(r.store.profiles.has('c-b')).toBe(false);
    // The first purchase is the one at 23:00Z: the customer was created then.
    expect(r.store.profiles.get('c-c')?.createdAt).toBe('2026-01-31T23:00:00.000Z');
    expect(r.store.profiles.get('c-c')?.stageHistory[0]).toMatchObject({
      to: 'first-purchase',
      at: '2026-01-31T23:00:00Z',
    });
  });

  it('refuses an event as the API would, reports it and applies nothing of it', async () => {
    const events = [
      purchase('ok-1', 'c-ok', '2026-01-05T10:00:00Z'),
      { ...purchase('bad-1', 'c-bad', '2026-01-05T11:00:00Z'), amount: -5 },
      purchase('old-1', 'c-old', '1997-01-01T12:00:00Z'),
      { eventId: 'erase-1', type: 'erase', customerId: 'c-ok', at: '2026-01-06T10:00:00Z' },
    ];
    const r = await replayLifecycle(events, {
      lifecycle,
      eventTimes: settings.events,
      asOf: '2026-02-01T00:00:00Z',
      source: 'test',
    });

    expect(r.rejected.map((p) => [p.source, p.field, p.value])).toEqual([
      ['test[1]', 'amount', -5],
      ['test[2]', 'at', '1997-01-01T12:00:00Z'],
      ['test[3]', 'type', 'erase'],
    ]);
    expect(r.rejected[1]?.expected).toContain('2000-01-01T00:00:00Z');
    expect([...r.store.profiles.keys()]).toEqual(['c-ok']);
    expect(r.applied).toBe(1);
  });

  it('a stream must come in time order: an earlier event is reported, not applied out of turn', async () => {
    async function* stream() {
      yield purchase('s-1', 'c-s', '2026-01-05T10:00:00Z');
      yield purchase('s-2', 'c-s', '2026-01-05T09:00:00Z');
    }
    const r = await replayLifecycle(stream(), { lifecycle, asOf: '2026-02-01T00:00:00Z' });
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ field: 'at', value: '2026-01-05T09:00:00Z' });
    expect(r.rejected[0]?.expected).toContain('give the events in time order');
    expect(r.store.profiles.get('c-s')?.purchaseCount).toBe(1);
  });

  it('sweeps on the hour, as on AWS, and once more at the cut-off; timer changes land on their thresholds', async () => {
    const r = await replayLifecycle([purchase('h-1', 'c-h', '2026-01-01T00:30:00Z')], {
      lifecycle,
      asOf: '2026-04-01T03:10:00Z',
    });
    const profile = r.store.profiles.get('c-h');
    expect(profile?.stageHistory.map((c) => [c.to, c.at])).toEqual([
      ['first-purchase', '2026-01-01T00:30:00Z'],
      // 90 days after the purchase, to the second.
      ['dormant', '2026-04-01T00:30:00.000Z'],
    ]);
    // Moved by the 01:00 sweep (a daily one would have left it to the cut-off's, at 03:10); the sweeps
    // before it found no one due and were skipped.
    expect(profile?.updatedAt).toBe('2026-04-01T01:00:00.000Z');
    expect(r.sweeps).toBe(2);

    const atCutOff = await replayLifecycle([purchase('h-1', 'c-h', '2026-01-01T00:30:00Z')], {
      lifecycle,
      asOf: '2026-04-01T00:45:00Z',
    });
    // Before the 01:00 sweep: the cut-off's own sweep moves the customer.
    expect(atCutOff.store.profiles.get('c-h')).toMatchObject({
      stage: 'dormant',
      updatedAt: '2026-04-01T00:45:00.000Z',
    });
  });

  it('skips only sweeps that find no one due: the in-memory index knows its earliest due time over every shard', () => {
    const store = memoryStore();
    expect(store.due.earliest()).toBeUndefined();
    const customers = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    customers.forEach((c, i) => store.due.set(c, `2026-0${1 + (i % 9)}-1${i % 10}T00:00:00.000Z`));
    store.due.set('c-7', '2025-12-31T23:00:00.000Z');
    expect(store.due.earliest()).toBe('2025-12-31T23:00:00.000Z');
    store.due.delete('c-7');
    expect(store.due.earliest()).toBe('2026-01-10T00:00:00.000Z');
  });
});
