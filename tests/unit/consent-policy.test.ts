import { DEFAULT_CONSENT_POLICY, type ConsentPolicy } from '../../domain/config/consent-modes';
import { loadWorkflows } from '../../domain/config/load';
import { Settings } from '../../domain/config/settings';
import type { ProfileEvent } from '../../domain/events/schema';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { chooseChannel, reachOn } from '../../domain/messages/policy';
import { applyConsent, channelConsent, consentMode, topicConsent } from '../../domain/profile/consent';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, settings } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-11-22T10:00:00Z');
const NONE = new Set<'email' | 'sms'>();
const marketing = { category: 'marketing' as const, topic: 'offers' };
const transactional = { category: 'transactional' as const };

const customer = (patch: Partial<Profile> = {}): Profile => ({
  ...newProfile('c-1', lifecycle, NOW),
  email: 'li@example.com',
  phone: '+8613800138000',
  ...patch,
});
const optIn = (p: Profile, change: Parameters<typeof applyConsent>[1], at = NOW.toISOString()) =>
  applyConsent(p, change, at, 'test');

describe('consent: three states', () => {
  it('a customer who never answered is unknown on every channel and topic, the implied email too', () => {
    const p = customer();
    expect([channelConsent(p, 'email'), channelConsent(p, 'sms'), topicConsent(p, 'offers')]).toEqual([
      'unknown',
      'unknown',
      'unknown',
    ]);
    const stated = optIn(p, { email: 'unsubscribed', sms: 'subscribed', topics: { offers: 'subscribed' } });
    expect([channelConsent(stated, 'email'), channelConsent(stated, 'sms')]).toEqual([
      'unsubscribed',
      'subscribed',
    ]);
    expect(topicConsent(stated, 'offers')).toBe('subscribed');
  });
});

describe('the send policy: explicit opt-in where settings.yaml `consent` asks for it', () => {
  it('the shipped settings are the default: SMS explicit, email implied', () => {
    expect(settings.consent).toEqual(DEFAULT_CONSENT_POLICY);
    expect(Settings.parse({ brand: { name: 'B' }, locales: ['en'], defaultLocale: 'en' }).consent).toEqual(
      DEFAULT_CONSENT_POLICY,
    );
    expect(() =>
      Settings.parse({ brand: { name: 'B' }, locales: ['en'], defaultLocale: 'en', consent: { sms: 'yes' } }),
    ).toThrow(/explicit/);
  });

  it('no marketing SMS to a customer who never opted in; one who did gets it; transactional is unaffected', () => {
    const unknown = customer();
    expect(reachOn(unknown, 'sms', marketing, NONE, DEFAULT_CONSENT_POLICY)).toEqual({
      ok: false,
      channel: 'sms',
      reason: 'no-consent',
    });
    expect(reachOn(unknown, 'sms', transactional, NONE, DEFAULT_CONSENT_POLICY)).toMatchObject({ ok: true });
    const optedIn = optIn(unknown, { sms: 'subscribed' });
    expect(reachOn(optedIn, 'sms', marketing, NONE, DEFAULT_CONSENT_POLICY)).toMatchObject({ ok: true });
    // Email is implied: no answer is enough, an opt-out is not.
    expect(reachOn(unknown, 'email', marketing, NONE, DEFAULT_CONSENT_POLICY)).toMatchObject({ ok: true });
    const optedOut = optIn(unknown, { email: 'unsubscribed' });
    expect(reachOn(optedOut, 'email', marketing, NONE, DEFAULT_CONSENT_POLICY)).toMatchObject({
      reason: 'no-consent',
    });
  });

  it('a preferred SMS with no opt-in falls back to email', () => {
    expect(
      chooseChannel(
        customer({ preferredChannel: 'sms' }),
        'preferred',
        marketing,
        NONE,
        DEFAULT_CONSENT_POLICY,
      ),
    ).toEqual({ ok: true, channel: 'email', to: 'li@example.com' });
  });

  it('a market may differ: by the exact locale first, then its language, else the channel', () => {
    const policy: ConsentPolicy = {
      email: 'implied',
      sms: 'explicit',
      byLocale: { de: { email: 'explicit' }, 'de-CH': { email: 'implied' }, 'en-US': { sms: 'implied' } },
    };
    expect(consentMode(policy, 'email', 'de-AT')).toBe('explicit');
    expect(consentMode(policy, 'email', 'DE')).toBe('explicit');
    expect(consentMode(policy, 'email', 'de-CH')).toBe('implied');
    expect(consentMode(policy, 'sms', 'de-AT')).toBe('explicit');
    expect(consentMode(policy, 'sms', 'en-us')).toBe('implied');
    expect(consentMode(policy, 'email', undefined)).toBe('implied');
    const german = customer({ locale: 'de-AT' });
    expect(reachOn(german, 'email', marketing, NONE, policy)).toMatchObject({ reason: 'no-consent' });
    expect(reachOn(optIn(german, { email: 'subscribed' }), 'email', marketing, NONE, policy)).toMatchObject({
      ok: true,
    });
  });
});

describe('consent choices as they arrive', () => {
  it('an explicit opt-in that matches the implied default is recorded: a later-arriving older opt-out loses', () => {
    const optedIn = applyConsent(customer(), { email: 'subscribed' }, '2026-11-20T00:00:00Z', 'event:e-2');
    expect(optedIn.consent.email).toEqual({
      status: 'subscribed',
      at: '2026-11-20T00:00:00Z',
      source: 'event:e-2',
    });
    expect(optedIn.consentHistory).toEqual([{ scope: 'email', ...optedIn.consent.email }]);
    const older = applyConsent(optedIn, { email: 'unsubscribed' }, '2026-11-01T00:00:00Z', 'event:e-1');
    expect(older.consent.email.status).toBe('subscribed');
    expect(channelConsent(older, 'email')).toBe('subscribed');
  });

  it('times are compared as instants, with or without milliseconds', () => {
    const out = applyConsent(customer(), { sms: 'unsubscribed' }, '2026-11-20T10:00:00Z', 'a');
    // Half a second later: newer, though '…:00.500Z' sorts before '…:00Z' as text.
    expect(
      channelConsent(applyConsent(out, { sms: 'subscribed' }, '2026-11-20T10:00:00.500Z', 'b'), 'sms'),
    ).toBe('subscribed');
    const inMs = applyConsent(customer(), { sms: 'unsubscribed' }, '2026-11-20T10:00:00.500Z', 'a');
    // Half a second earlier: older, though '…:00Z' sorts after '…:00.500Z' as text.
    expect(
      channelConsent(applyConsent(inMs, { sms: 'subscribed' }, '2026-11-20T10:00:00Z', 'b'), 'sms'),
    ).toBe('unsubscribed');
  });

  it('at one instant, however spelled, the opt-out wins whichever arrives first', () => {
    const at = ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'] as const;
    const inOrder = applyConsent(
      applyConsent(customer(), { sms: 'subscribed' }, at[0], 'a'),
      { sms: 'unsubscribed' },
      at[1],
      'b',
    );
    const reversed = applyConsent(
      applyConsent(customer(), { sms: 'unsubscribed' }, at[1], 'b'),
      { sms: 'subscribed' },
      at[0],
      'a',
    );
    expect(channelConsent(inOrder, 'sms')).toBe('unsubscribed');
    expect(channelConsent(reversed, 'sms')).toBe('unsubscribed');
  });

  it('an event states an SMS opt-in, recorded with the event as its source', () => {
    const event: ProfileEvent = {
      eventId: 'crm-42',
      type: 'profile',
      customerId: 'c-1',
      at: '2026-11-21T08:00:00Z',
      customer: { phone: '+8613800138000', consent: { sms: 'subscribed' } },
    };
    const { profile } = applyEvent(undefined, event, lifecycle, NOW);
    expect(profile.consent.sms).toEqual({ status: 'subscribed', at: event.at, source: 'event:crm-42' });
    expect(reachOn(profile, 'sms', marketing, NONE, DEFAULT_CONSENT_POLICY)).toMatchObject({ ok: true });
  });
});
