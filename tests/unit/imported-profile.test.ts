import { loadWorkflows } from '../../domain/config/load';
import { importedProfile } from '../../domain/lifecycle/imported';
import { occasionOffsetMs } from '../../domain/journey/occasions';
import { replayLifecycle } from '../../local/replay';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, calendar, journeys } = loadWorkflows(WORKFLOWS_DIR);
const deps = { lifecycle, calendar, journeys: journeys.map((j) => j.journey) };

/** A customer replayed (with no journeys, as import does) to `asOf`: bought on 10 and 20 January. */
async function replayed(asOf: string, birthday: string) {
  const events = [
    {
      eventId: 'p-1',
      type: 'profile',
      customerId: 'c-1',
      at: '2026-01-10T02:00:00Z',
      customer: { email: 'c-1@example.com', timeZone: 'Asia/Shanghai', attributes: { birthday } },
    },
    {
      eventId: 'b-1',
      type: 'purchase',
      customerId: 'c-1',
      at: '2026-01-10T02:00:00Z',
      amount: 50,
      currency: 'USD',
    },
    {
      eventId: 'b-2',
      type: 'purchase',
      customerId: 'c-1',
      at: '2026-01-20T02:00:00Z',
      amount: 50,
      currency: 'USD',
    },
  ];
  const { store } = await replayLifecycle(events, { lifecycle, asOf });
  return store.profiles.get('c-1')!;
}

describe('a replayed profile as rapport import stores it', () => {
  it('is due at the next birthday greeting, which the replay (with no journeys) did not schedule', async () => {
    const profile = await replayed('2026-03-01T00:00:00Z', '1990-03-05');
    // Due only at the lifecycle's threshold, 90 days after the last purchase.
    expect(profile.dueAt).toBe('2026-04-20T02:00:00.000Z');
    const stored = importedProfile(profile, deps, new Date('2026-03-01T00:00:00Z'));
    // The runtime's birthday journey: 5 March, 09:00 in Shanghai, before the threshold, plus this
    // customer's place in the morning's spread (settings occasions.spread).
    const offset = occasionOffsetMs('c-1', calendar);
    expect(offset).toBeLessThan(calendar.occasionSpreadMs ?? 0);
    expect(stored.dueAt).toBe(new Date(Date.parse('2026-03-05T01:00:00.000Z') + offset).toISOString());
    expect(stored).toMatchObject({ occasionsCheckedAt: '2026-03-01T00:00:00.000Z', version: 1 });
    expect(stored.stage).toBe('active');
  });

  it('owes no greeting for a birthday before the as-of time, even one a sweep would still send that day', async () => {
    const asOf = '2026-03-05T12:00:00Z';
    const stored = importedProfile(await replayed(asOf, '1990-03-05'), deps, new Date(asOf));
    // 11 hours after the greeting's time, within the sweep's day of grace: not due for it, but for the threshold.
    expect(stored.dueAt).toBe('2026-04-20T02:00:00.000Z');
    expect(stored.occasionsCheckedAt).toBe('2026-03-05T12:00:00.000Z');
  });
  it('claims no suppression check: its sends read the list, since no address record ties it to a suppression', async () => {
    const asOf = '2026-03-01T00:00:00Z';
    const profile = await replayed(asOf, '1990-03-05');
    // The replay's ingest checked the address against its own (empty) list and recorded it.
    expect(profile.suppressionChecked?.email).toEqual(expect.any(String));
    expect(importedProfile(profile, deps, new Date(asOf))).not.toHaveProperty('suppressionChecked');
  });

  it('keeps the histories the replay wrote, and invents none for a profile without them', async () => {
    const asOf = '2026-03-01T00:00:00Z';
    const events = [
      {
        eventId: 'p-1',
        type: 'profile',
        customerId: 'c-1',
        at: '2026-01-10T02:00:00Z',
        customer: { email: 'c-1@example.com', consent: { email: 'unsubscribed' } },
      },
      {
        eventId: 'f-1',
        type: 'feedback',
        customerId: 'c-1',
        at: '2026-01-11T02:00:00Z',
        survey: 'nps',
        score: 9,
      },
    ];
    const profile = (await replayLifecycle(events, { lifecycle, asOf })).store.profiles.get('c-1')!;
    const stored = importedProfile(profile, deps, new Date(asOf));
    expect(stored.consentHistory).toEqual([
      { scope: 'email', status: 'unsubscribed', at: '2026-01-10T02:00:00Z', source: 'event:p-1' },
    ]);
    expect(stored.feedbackHistory?.map((f) => f.eventId)).toEqual(['f-1']);
    const { consentHistory: _c, feedbackHistory: _f, ...old } = profile;
    const imported = importedProfile(old, deps, new Date(asOf));
    expect(imported).not.toHaveProperty('consentHistory');
    expect(imported).not.toHaveProperty('feedbackHistory');
  });
});
