import { newProfile } from '../../domain/lifecycle/apply';
import { DEFAULT_CONSENT_POLICY } from '../../domain/config/consent-modes';
import { loadWorkflows } from '../../domain/config/load';
import { Pacing, QuietHours } from '../../domain/config/settings';
import {
  admit,
  chooseChannel,
  emptyPacing,
  quietUntil,
  suppressionKey,
  type PacedSend,
} from '../../domain/messages/policy';
import { smsLength } from '../../domain/messages/sms';
import { applyConsent } from '../../domain/profile/consent';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-11-22T10:00:00Z');
const NONE = new Set<'email' | 'sms'>();
const POLICY = DEFAULT_CONSENT_POLICY;

function customer(patch: Partial<Profile> = {}): Profile {
  return {
    ...newProfile('c-1', lifecycle, NOW),
    email: 'li@example.com',
    phone: '+8613800138000',
    ...patch,
  };
}

describe('reaching a customer: address, suppression, consent', () => {
  const marketing = { category: 'marketing' as const, topic: 'offers' };
  const transactional = { category: 'transactional' as const };

  it('marketing needs consent for the channel and for the topic; transactional does not', () => {
    const optedOutSms = applyConsent(customer(), { sms: 'unsubscribed' }, NOW.toISOString(), 'test');
    expect(chooseChannel(optedOutSms, 'sms', marketing, NONE, POLICY)).toEqual({
      ok: false,
      channel: 'sms',
      reason: 'no-consent',
    });
    expect(chooseChannel(optedOutSms, 'sms', transactional, NONE, POLICY)).toMatchObject({
      ok: true,
      channel: 'sms',
    });
    const noOffers = applyConsent(customer(), { topics: { offers: 'unsubscribed' } }, NOW.toISOString(), 't');
    expect(chooseChannel(noOffers, 'email', marketing, NONE, POLICY)).toMatchObject({ reason: 'no-consent' });
    expect(chooseChannel(noOffers, 'email', { ...marketing, topic: 'events' }, NONE, POLICY)).toMatchObject({
      ok: true,
    });
  });

  it('a suppression stops every message, transactional too, whatever the consent', () => {
    const bounced = customer({
      suppressed: { email: { reason: 'bounce', at: NOW.toISOString(), source: 'ses' } },
    });
    expect(chooseChannel(bounced, 'email', transactional, NONE, POLICY)).toMatchObject({
      reason: 'suppressed',
    });
    expect(chooseChannel(customer(), 'email', transactional, new Set(['email']), POLICY)).toMatchObject({
      reason: 'suppressed',
    });
  });

  it('preferred: the preferred channel if it reaches the customer, else the other; else why the first failed', () => {
    // Marketing SMS needs an explicit opt-in under the default policy (see consent-policy.test.ts).
    const prefersSms = applyConsent(
      customer({ preferredChannel: 'sms' }),
      { sms: 'subscribed' },
      NOW.toISOString(),
      'test',
    );
    expect(chooseChannel(prefersSms, 'preferred', marketing, NONE, POLICY)).toMatchObject({
      ok: true,
      channel: 'sms',
    });
    const optedOut = applyConsent(prefersSms, { sms: 'unsubscribed' }, NOW.toISOString(), 'test');
    expect(chooseChannel(optedOut, 'preferred', marketing, NONE, POLICY)).toEqual({
      ok: true,
      channel: 'email',
      to: 'li@example.com',
    });
    const neither = applyConsent(optedOut, { email: 'unsubscribed' }, NOW.toISOString(), 'test');
    expect(chooseChannel(neither, 'preferred', marketing, NONE, POLICY)).toMatchObject({
      ok: false,
      channel: 'sms',
      reason: 'no-consent',
    });
    expect(
      chooseChannel(customer({ email: undefined, phone: undefined }), 'preferred', marketing, NONE, POLICY),
    ).toMatchObject({ reason: 'no-address' });
  });

  it('an older consent choice never overrides a newer one (events arrive out of order)', () => {
    const later = applyConsent(customer(), { email: 'unsubscribed' }, '2026-11-20T00:00:00Z', 'form');
    const earlier = applyConsent(later, { email: 'subscribed' }, '2026-11-01T00:00:00Z', 'old-import');
    expect(earlier.consent.email).toMatchObject({ status: 'unsubscribed', source: 'form' });
  });

  it('suppression keys normalise the address and keep no trace of it', () => {
    expect(suppressionKey('email', ' Li@Example.com ')).toBe(suppressionKey('email', 'li@example.com'));
    expect(suppressionKey('email', 'li@example.com')).not.toContain('example');
    expect(suppressionKey('sms', '+86 138-0013-8000')).toBe(suppressionKey('sms', '+8613800138000'));
  });
});

describe('quiet hours: deferred to the exact next allowed local time', () => {
  const night = QuietHours.parse({ from: '21:00', to: '09:00' });
  const until = (iso: string, tz: string, q = night) => quietUntil(new Date(iso), tz, q)?.toISOString();

  it('outside quiet hours nothing is deferred; the boundaries are from-inclusive, to-exclusive', () => {
    expect(until('2026-11-22T02:00:00Z', 'Asia/Shanghai')).toBeUndefined(); // 10:00 local
    expect(until('2026-11-22T01:00:00Z', 'Asia/Shanghai')).toBeUndefined(); // 09:00 sharp
    expect(until('2026-11-22T13:00:00Z', 'Asia/Shanghai')).toBe('2026-11-23T01:00:00.000Z'); // 21:00
  });

  it('late evening waits for tomorrow morning, small hours for this morning, in each time zone', () => {
    expect(until('2026-11-22T14:30:00Z', 'Asia/Shanghai')).toBe('2026-11-23T01:00:00.000Z'); // 22:30
    expect(until('2026-11-22T18:00:00Z', 'Asia/Shanghai')).toBe('2026-11-23T01:00:00.000Z'); // 02:00
    expect(until('2026-11-22T23:00:00Z', 'Europe/London')).toBe('2026-11-23T09:00:00.000Z');
    expect(until('2026-11-23T03:00:00Z', 'America/New_York')).toBe('2026-11-23T14:00:00.000Z'); // 22:00 EST
  });

  it('across DST changes the local 09:00 is kept, not the UTC hour', () => {
    // New York springs forward on 2026-03-08: 09:00 that morning is 13:00Z, not 14:00Z.
    expect(until('2026-03-08T03:00:00Z', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
    // London falls back on 2026-10-25: 09:00 that morning is GMT again.
    expect(until('2026-10-24T21:30:00Z', 'Europe/London')).toBe('2026-10-25T09:00:00.000Z');
    // A quiet period ending inside the spring-forward gap (02:30 does not exist) ends when the gap does:
    // at 03:00 EDT, the first instant the wall clock reads 02:30 or later.
    const gap = QuietHours.parse({ from: '23:00', to: '02:30' });
    expect(until('2026-03-08T05:00:00Z', 'America/New_York', gap)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('a period within one day (a lunch break) ends the same day', () => {
    const lunch = QuietHours.parse({ from: '12:00', to: '14:00' });
    expect(until('2026-11-22T04:30:00Z', 'Asia/Shanghai', lunch)).toBe('2026-11-22T06:00:00.000Z');
    expect(until('2026-11-22T07:00:00Z', 'Asia/Shanghai', lunch)).toBeUndefined();
  });
});

describe('frequency caps across journeys', () => {
  const pacing = Pacing.parse({
    caps: [
      { channel: 'any', max: 2, per: '7d', reservedForHigh: 1 },
      { channel: 'sms', max: 1, per: '7d' },
    ],
  });
  const send = (key: string, patch: Partial<PacedSend> = {}): PacedSend => ({
    messageKey: key,
    channel: 'email',
    at: NOW.toISOString(),
    priority: 'normal',
    ...patch,
  });

  it('a normal message may not take the slot kept for high priority; a VIP invitation may', () => {
    const first = admit(emptyPacing('c-1'), send('a'), pacing, NOW);
    if (!first.admitted) throw new Error('the first message must fit');
    expect(admit(first.record, send('b'), pacing, NOW)).toMatchObject({ admitted: false, count: 1 });
    const vip = admit(first.record, send('vip', { priority: 'high' }), pacing, NOW);
    expect(vip).toMatchObject({ admitted: true, changed: true });
    if (!vip.admitted) return;
    expect(admit(vip.record, send('vip2', { priority: 'high' }), pacing, NOW)).toMatchObject({
      admitted: false,
    });
  });

  it('per-channel caps count that channel only; old sends fall out of the window', () => {
    const one = admit(emptyPacing('c-1'), send('s1', { channel: 'sms' }), pacing, NOW);
    if (!one.admitted) throw new Error('must fit');
    expect(admit(one.record, send('s2', { channel: 'sms', priority: 'high' }), pacing, NOW)).toMatchObject({
      admitted: false,
      cap: { channel: 'sms' },
    });
    const weekLater = new Date(NOW.getTime() + 7 * 86_400_000 + 1000);
    const later = admit(
      one.record,
      send('s3', { channel: 'sms', at: weekLater.toISOString() }),
      pacing,
      weekLater,
    );
    expect(later).toMatchObject({ admitted: true });
    if (later.admitted) expect(later.record.sends.map((s) => s.messageKey)).toEqual(['s3']);
  });

  it('a retry of a counted message is admitted again without counting twice', () => {
    const first = admit(emptyPacing('c-1'), send('a'), pacing, NOW);
    if (!first.admitted) throw new Error('must fit');
    expect(admit(first.record, send('a'), pacing, NOW)).toEqual({
      admitted: true,
      changed: false,
      record: first.record,
    });
  });
});

describe('SMS length in parts', () => {
  it('GSM-7: 160 characters in one part, 153 a part beyond; extension characters count twice', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength('a'.repeat(307)).parts).toBe(3);
  });

  it('UCS-2 (Chinese, emoji): 70 in one part, 67 a part beyond', () => {
    expect(smsLength('好'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(smsLength('好'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
    expect(smsLength(`Hello ${'🙂'}`)).toMatchObject({ encoding: 'UCS-2', parts: 1 });
  });
});
