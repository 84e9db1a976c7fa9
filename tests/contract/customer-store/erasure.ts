import type { CustomerStore } from '../../../domain/ports';
import {
  AT,
  awaiting,
  claim,
  decision,
  done,
  entry,
  message,
  pacing,
  pagesOf,
  profile,
  sorted,
} from '../records';

export function erasureContract(current: () => CustomerStore): void {
  it("deletes every item of the customer's own and counts them, leaving address-level records", async () => {
    const store = current();
    for (const id of ['c-1', 'c-2']) {
      await store.putProfile(profile(id, { dueAt: '2026-05-01T00:00:00.000Z' }));
      await store.writeEvent(claim(id, 'e-1', 'h-1'));
      await store.writeEvent(done(id, 'e-2', 'h-2'));
      await store.claimMessage(message(id, 'm-1'));
      await store.recordDecision(decision(id, 'd-1', 'a'));
      await store.putJourneyEntries([entry(id, 'welcome', 'x-1')]);
      await store.putJourneyEntries([entry(id, 'review', 'x-2')]);
      await store.putAwait(awaiting(id, 'review', 't-1'));
      await store.putPacing(pacing(id, 1));
      await store.rememberAddress('a-1', id);
    }
    await store.putSuppression({ key: 's-1', channel: 'email', reason: 'bounce', at: AT, source: 'ses' });
    await store.putTombstone({ key: 't-1', erasedAt: AT });

    expect(await store.deleteCustomer('c-1')).toBe(9);
    expect(await store.deleteCustomer('c-1')).toBe(0);
    expect(await store.getProfile('c-1')).toBeUndefined();
    expect(await store.getEvent('c-1', 'e-1')).toBeUndefined();
    expect(await store.getMessage('c-1', 'm-1')).toBeUndefined();
    expect(await store.getPacing('c-1')).toBeUndefined();
    expect(await store.listAllJourneyEntries('c-1')).toEqual([]);
    expect(await store.listAwaits('c-1', 'review')).toEqual([]);
    expect(await store.recordDecision(decision('c-1', 'd-1', 'b'))).toStrictEqual(
      decision('c-1', 'd-1', 'b'),
    );
    const due = (await pagesOf(store.listDueWork(AT, 10))).flat();
    expect(sorted(due.map((w) => `${w.kind}/${w.customerId}`))).toEqual(['claim/c-2', 'customer/c-2']);
    expect((await pagesOf(store.listClaims(10))).flat()).toEqual([{ customerId: 'c-2', eventId: 'e-1' }]);
    expect(await store.listAddressUsers('a-1')).toEqual(['c-1', 'c-2']);
    expect(await store.getSuppression('s-1')).toBeDefined();
    expect(await store.getTombstone('t-1')).toBeDefined();
    expect(await store.listAllJourneyEntries('c-2')).toHaveLength(2);
    expect(await store.getPacing('c-2')).toBeDefined();
  });
}

export function copiesContract(current: () => CustomerStore): void {
  it('hands out copies: changing what was written or read changes nothing stored', async () => {
    const store = current();
    const written = {
      profile: profile('c-1'),
      event: done('c-1', 'e-1', 'h-1'),
      message: message('c-1', 'm-1'),
    };
    const records = { entry: entry('c-1', 'welcome', 'x-1'), await: awaiting('c-1', 'review', 't-1') };
    await store.putProfile(written.profile);
    await store.writeEvent(written.event);
    await store.claimMessage(written.message);
    await store.putJourneyEntries([records.entry]);
    await store.putAwait(records.await);
    await store.putPacing(pacing('c-1', 1));
    written.profile.stageHistory.push(written.profile.stageHistory[0]!);
    written.event.executions.length = 0;
    written.message.status = 'sent';
    records.entry.trigger.eventId = 'changed';
    records.await.taskToken = 'changed';

    (await store.getProfile('c-1'))!.tierHistory.push(profile('c-1').stageHistory[0]!);
    ((await store.getEvent('c-1', 'e-1')) as ReturnType<typeof done>).stageChanges.length = 0;
    (await store.getMessage('c-1', 'm-1'))!.template = 'changed';
    (await store.listJourneyEntries('c-1', 'welcome'))[0]!.executionArn = 'changed';
    (await store.listAllJourneyEntries('c-1'))[0]!.enteredAt = 'changed';
    (await store.listAwaits('c-1', 'review'))[0]!.since = 'changed';
    (await store.getPacing('c-1'))!.sends.length = 0;
    (await store.recordDecision(decision('c-1', 'd-1', 'a'))).path = 'changed';

    expect(await store.getProfile('c-1')).toStrictEqual(profile('c-1'));
    expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(done('c-1', 'e-1', 'h-1'));
    expect(await store.getMessage('c-1', 'm-1')).toStrictEqual(message('c-1', 'm-1'));
    expect(await store.listAllJourneyEntries('c-1')).toStrictEqual([entry('c-1', 'welcome', 'x-1')]);
    expect(await store.listAwaits('c-1', 'review')).toStrictEqual([awaiting('c-1', 'review', 't-1')]);
    expect(await store.getPacing('c-1')).toStrictEqual(pacing('c-1', 1));
    expect(await store.recordDecision(decision('c-1', 'd-1', 'b'))).toStrictEqual(
      decision('c-1', 'd-1', 'a'),
    );
  });
}
