import fc from 'fast-check';
import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { ProfileEvent, PurchaseEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { suppressionKey } from '../../domain/messages/policy';
import { messageKey, sendMessage } from '../../domain/messages/send';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { sendDeps, THANK_YOU } from '../support/send-deps';

/*
 * Customer fields follow business time, not arrival order: an older event delivered late (a retry, a slow
 * source) does not put back the address the customer has replaced (found by review; for a reassigned phone
 * number that is a bank's message to a stranger). Its other facts (a purchase) still count.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T04:00:00Z'); // noon in Shanghai
const OLD = 'li.old@example.com';
const NEW = 'li.new@example.com';
const hour = (h: number) => `2026-11-22T0${h}:00:00Z`;

function world() {
  const store = memoryStore();
  const { deps } = shippedLifecycleDeps(store, clock.now().toISOString());
  const ev = (eventId: string, at: string, customer: ProfileEvent['customer']) =>
    ingestEvent({ eventId, type: 'profile', customerId: 'c-1', at, customer }, deps);
  const profile = async () => (await store.getProfile('c-1'))!;
  return { store, deps, ev, profile };
}

describe('addresses follow business time', () => {
  it('an older event arriving late does not put back the address the customer has since replaced', async () => {
    const { store, ev } = world();
    await ev('e-new', hour(3), { email: NEW, timeZone: 'Asia/Shanghai' });
    await ev('e-old', hour(1), { email: OLD });
    await sendMessage(THANK_YOU, sendDeps(store, clock).deps);
    expect((await store.getMessage('c-1', messageKey('exec-1', 'thank-you')))?.to).toBe(NEW);
  });

  it('a reassigned phone number is not put back, and the late event’s purchase still counts', async () => {
    const { deps, ev, profile } = world();
    await ev('e-new', hour(3), { phone: '+8613800138001', firstName: 'Li' });
    const late: PurchaseEvent = {
      eventId: 'e-old',
      type: 'purchase',
      customerId: 'c-1',
      at: hour(1),
      amount: 20,
      currency: 'CNY',
      customer: { phone: '+8613800138000', firstName: 'Lee', locale: 'zh-CN' },
    };
    await ingestEvent(late, deps);
    expect(await profile()).toMatchObject({
      phone: '+8613800138001',
      firstName: 'Li',
      // A field the newer event did not give is the older event's to set.
      locale: 'zh-CN',
      purchaseCount: 1,
      givenAt: { phone: hour(3), firstName: hour(3), locale: hour(1) },
    });
  });

  it('a late old address neither takes the channel back nor lifts its suppression nor moves its check', async () => {
    const { store, ev, profile } = world();
    await ev('e-1', hour(1), { email: OLD });
    const bounced = { reason: 'bounce' as const, at: hour(2), source: 'ses:bounce:b-1' };
    await store.putProfile({ ...(await profile()), suppressed: { email: bounced }, version: 2 });
    await ev('e-3', hour(3), { email: NEW });
    const replaced = await profile();
    expect(replaced.suppressed?.email).toBeUndefined();
    await ev('e-2', hour(2), { email: OLD });
    const after = await profile();
    expect(after.email).toBe(NEW);
    expect(after.suppressionHistory).toEqual(replaced.suppressionHistory);
    expect(after.suppressionChecked?.email).toBe(suppressionKey('email', NEW));
  });

  it('a source whose clock runs fast keeps its own order: its older address, arriving late, stays out', () => {
    const base = { ...newProfile('c-1', workflows.lifecycle, new Date(clock.now())), version: 1 };
    const now = clock.now();
    const ahead = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    const event = (eventId: string, at: string, email: string): ProfileEvent => ({
      eventId,
      type: 'profile',
      customerId: 'c-1',
      at,
      customer: { email },
    });
    const first = applyEvent(base, event('e-new', ahead(10), NEW), workflows.lifecycle, now).profile;
    const later = new Date(now.getTime() + 60_000);
    expect(applyEvent(first, event('e-old', ahead(5), OLD), workflows.lifecycle, later).profile.email).toBe(
      NEW,
    );
  });

  it('a profile stored before field times were kept takes an address from any event, however old', async () => {
    const { store, ev, profile } = world();
    await ev('e-1', hour(3), { email: NEW });
    const { givenAt: _none, ...stored } = await profile();
    await store.putProfile({ ...stored, version: stored.version + 1 });
    await ev('e-0', hour(1), { email: OLD });
    expect(await profile()).toMatchObject({ email: OLD, givenAt: { email: hour(1) } });
  });

  it('property: the same events in any order end with each field of the latest event that gave it', () => {
    const NOW = new Date('2026-11-23T00:00:00Z');
    const given = fc.record(
      {
        email: fc.constantFrom('a@example.com', 'b@example.com', 'c@example.com'),
        phone: fc.constantFrom('+8613800138000', '+8613800138001'),
        firstName: fc.constantFrom('Li', 'Lee'),
        attributes: fc.record({ birthday: fc.constantFrom('05-15', '06-01') }),
      },
      { requiredKeys: [] },
    );
    const events = fc
      .uniqueArray(fc.integer({ min: 0, max: 86_399 }), { minLength: 1, maxLength: 6 })
      .chain((seconds) => fc.tuple(...seconds.map((s) => given.map((customer) => ({ s, customer })))))
      .chain((evs) => fc.shuffledSubarray(evs, { minLength: evs.length, maxLength: evs.length }));
    fc.assert(
      fc.property(events, (arrival) => {
        const start = newProfile('c-1', workflows.lifecycle, NOW);
        const end = arrival.reduce<Profile>((p, { s, customer }) => {
          const at = new Date(Date.parse('2026-11-22T00:00:00Z') + s * 1000).toISOString();
          const event: ProfileEvent = { eventId: `e-${s}`, type: 'profile', customerId: 'c-1', at, customer };
          return applyEvent(p, event, workflows.lifecycle, NOW).profile;
        }, start);
        const byTime = [...arrival].sort((a, b) => a.s - b.s);
        const latest = <T>(pick: (c: ProfileEvent['customer'] & object) => T | undefined) =>
          byTime
            .map((e) => pick(e.customer))
            .filter((v) => v !== undefined)
            .at(-1);
        expect(end.email).toBe(latest((c) => c.email));
        expect(end.phone).toBe(latest((c) => c.phone));
        expect(end.firstName).toBe(latest((c) => c.firstName));
        expect(end.attributes?.birthday).toBe(latest((c) => c.attributes?.birthday));
      }),
    );
  });
});
