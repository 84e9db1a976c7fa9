import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signLink } from '../../domain/messages/links';
import {
  CLICKED_AT,
  GET_FIXTURE,
  invoke,
  POST_FIXTURE,
  request,
  SECRET,
  seedProfile,
  SENT_AT,
  storedProfile,
  tokenFor,
} from './unsubscribe-setup';

describe('the preference centre', () => {
  const preferencesToken = (patch: { iat?: number; exp?: number } = {}) => {
    const iat = Date.parse(SENT_AT) / 1000;
    return signLink(
      { customerId: 'c-42', purpose: 'preferences', iat, exp: iat + 365 * 86_400, ...patch },
      SECRET,
    );
  };
  const toPreferences = (event: APIGatewayProxyEventV2, form?: string): APIGatewayProxyEventV2 => ({
    ...event,
    rawPath: '/preferences',
    routeKey: `${event.requestContext.http.method} /preferences`,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: '/preferences' } },
    ...(form === undefined ? {} : { body: Buffer.from(form).toString('base64'), isBase64Encoded: true }),
  });

  it('GET shows the channels and topics as they stand, in the customer’s language', async () => {
    await seedProfile({
      consent: {
        email: { status: 'subscribed', at: SENT_AT, source: 'default' },
        topics: { offers: { status: 'unsubscribed', at: SENT_AT, source: 'test' } },
      },
    });
    const res = await invoke(toPreferences(request(GET_FIXTURE, preferencesToken())));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('消息偏好');
    expect(res.body).toContain('<input type="checkbox" name="email" checked> 电子邮件');
    expect(res.body).toContain('<input type="checkbox" name="topic:offers"> 优惠信息');
    expect(res.body).toContain('<input type="checkbox" name="topic:events" checked> 活动邀请');
  });

  it('SMS never agreed to shows unticked; ticking it and saving is the explicit opt-in, recorded from the page', async () => {
    await seedProfile({ phone: '+8613800138000' });
    const shown = await invoke(toPreferences(request(GET_FIXTURE, preferencesToken())));
    expect(shown.body).toContain('<input type="checkbox" name="sms"> 短信');
    expect(shown.body).toContain('<input type="checkbox" name="email" checked> 电子邮件');
    const saved = await invoke(
      toPreferences(request(POST_FIXTURE, preferencesToken()), 'email=on&sms=on&topic%3Aoffers=on'),
    );
    expect(saved.body).toContain('<input type="checkbox" name="sms" checked> 短信');
    expect((await storedProfile())?.consent.sms).toEqual({
      status: 'subscribed',
      source: 'preference-centre',
      at: CLICKED_AT,
    });
  });

  it('POST saves the boxes changed and every topic: ticked subscribed, unticked unsubscribed; the next marketing SMS and offers stop', async () => {
    await seedProfile({
      phone: '+8613800138000',
      consent: {
        email: { status: 'subscribed', at: SENT_AT, source: 'default' },
        sms: { status: 'subscribed', at: SENT_AT, source: 'event:e-1' },
      },
    });
    const res = await invoke(
      toPreferences(
        request(POST_FIXTURE, preferencesToken()),
        'email=on&topic%3Agreetings=on&topic%3Aservice=on',
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('已保存');
    const profile = await storedProfile();
    expect(profile?.consent).toMatchObject({
      email: { status: 'subscribed' },
      sms: { status: 'unsubscribed', source: 'preference-centre', at: CLICKED_AT },
      topics: {
        greetings: { status: 'subscribed' },
        offers: { status: 'unsubscribed' },
        events: { status: 'unsubscribed' },
        service: { status: 'subscribed' },
      },
    });
  });

  it('a channel box left as shown states nothing: an email ticked by the implied policy is no opt-in, an SMS left unticked no opt-out', async () => {
    await seedProfile({ phone: '+8613800138000' });
    const before = (await storedProfile())?.consent;
    await invoke(toPreferences(request(POST_FIXTURE, preferencesToken()), 'email=on&topic%3Aoffers=on'));
    const after = await storedProfile();
    expect([after?.consent.email, after?.consent.sms]).toEqual([before?.email, before?.sms]);
    expect(after?.consent.topics?.events).toMatchObject({
      status: 'unsubscribed',
      source: 'preference-centre',
    });

    await invoke(toPreferences(request(POST_FIXTURE, preferencesToken()), 'topic%3Aoffers=on'));
    expect((await storedProfile())?.consent.email).toEqual({
      status: 'unsubscribed',
      source: 'preference-centre',
      at: CLICKED_AT,
    });
  });

  describe('a choice on record dated ahead of the click (a source clock running fast, stored before the cap)', () => {
    const ahead = new Date(Date.parse(CLICKED_AT) + 10 * 3_600_000).toISOString();
    const seedEmail = (status: 'subscribed' | 'unsubscribed') =>
      seedProfile({ consent: { email: { status, at: ahead, source: 'event:e-1' } } });
    const save = (form: string) => invoke(toPreferences(request(POST_FIXTURE, preferencesToken()), form));

    it('an opt-in dated ahead does not outrank unticking email: saved, and recorded', async () => {
      await seedEmail('subscribed');
      const res = await save('topic%3Aoffers=on');
      expect(res.body).toContain('已保存');
      expect((await storedProfile())?.consent.email).toEqual({
        status: 'unsubscribed',
        at: CLICKED_AT,
        source: 'preference-centre',
      });
    });

    it('an opt-in the record outranks (at one instant an opt-out wins) is not reported as saved', async () => {
      await seedEmail('unsubscribed');
      const res = await save('email=on&topic%3Aoffers=on');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('已保存');
      expect(res.body).toContain('部分选择未能保存');
      expect(res.body).not.toMatch(/name="email" checked/);
      expect((await storedProfile())?.consent.email.status).toBe('unsubscribed');
    });
  });

  it('a tampered token → 400, an expired one → 403, an unsubscribe token → 400; nothing changes', async () => {
    const before = await seedProfile();
    const token = preferencesToken();
    const tampered = `${token.slice(0, -2)}xx`;
    expect((await invoke(toPreferences(request(POST_FIXTURE, tampered), 'sms=on'))).statusCode).toBe(400);
    const expired = preferencesToken({ exp: Date.parse(CLICKED_AT) / 1000 - 1 });
    expect((await invoke(toPreferences(request(POST_FIXTURE, expired), 'sms=on'))).statusCode).toBe(403);
    expect((await invoke(toPreferences(request(POST_FIXTURE, tokenFor()), 'sms=on'))).statusCode).toBe(400);
    expect((await storedProfile())?.version).toBe(before.version);
  });
});
