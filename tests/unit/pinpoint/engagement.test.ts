import { email, eventSplit, journey, map } from './mapping';

describe('mapJourney: splits on message engagement', () => {
  const engagedOn = (activity: string, type: string, wait?: { WaitFor?: string; WaitUntil?: string }) =>
    journey({
      StartActivity: activity === 'text' ? 'text' : 'mail',
      Activities: {
        mail: email('c'),
        text: { SMS: { TemplateName: 'S', NextActivity: 'c' } },
        c: eventSplit(type, { messageActivity: activity, wait }),
        x: email(),
      },
    });

  it.each([
    ['mail', '_email.click', 'email-clicked'],
    ['mail', '_email.open', 'email-opened'],
    ['mail', 'EMAIL_DELIVERED', 'email-delivered'],
    ['text', '_SMS.SUCCESS', 'sms-delivered'],
  ])('waits for %s %s as %s on that send, for the evaluation wait', (activity, type, event) => {
    const m = map(engagedOn(activity, type, { WaitFor: 'P3D' }));
    expect(m.journey.steps.find((s) => s.id === 'c')).toEqual({
      id: 'c',
      type: 'wait-for-event',
      event,
      message: activity,
      timeout: '3d',
      onEvent: 'x',
      onTimeout: 'end',
    });
    const entry = m.report.entries.find((e) => e.subject === 'c')!;
    expect(entry.status).toBe('approximated');
    expect(entry.detail).toContain('moves on at once, where Pinpoint evaluated at the end of the P3D');
    expect(m.customEvents).toEqual({});
  });

  it.each([
    ['mail', '_email.click', undefined, 'evaluated at once'],
    ['mail', '_email.click', { WaitUntil: '2027-01-01T09:00:00Z' }, 'evaluated on a date'],
    ['mail', '_email.hardbounce', { WaitFor: 'P1D' }, 'the email event _email.hardbounce'],
    ['text', '_email.open', { WaitFor: 'P1D' }, 'the sms event _email.open'],
    ['c', '_email.open', { WaitFor: 'P1D' }, 'which is not an email or SMS activity'],
  ])('keeps %s %s (%j) unsupported, saying why', (activity, type, wait, why) => {
    const m = map(engagedOn(activity, type, wait));
    expect(m.journey.steps.some((s) => s.type === 'wait-for-event')).toBe(false);
    const entry = m.report.entries.find((e) => e.subject === 'c' && e.status === 'unsupported')!;
    expect(entry.detail).toContain(why);
    expect(entry.detail).toContain('tag: pinpoint-unmapped-c-1');
  });
});
