import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app';
import {
  checkPublicBaseUrl,
  checkSweepEvery,
  emailDomain,
  InvalidSettingError,
  pascalCase,
} from '../../infra/names';
import { sweepRate } from '../../infra/sweep-schedule';
import { FAST_SYNTH, resourcesOf } from './support';

const build = (context: Record<string, unknown>) =>
  buildApp({ nag: false, appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, ...context } } });

describe('deployment settings', () => {
  it('derive the SES identities from the sender address, with or without a display name', () => {
    expect(emailDomain('no-reply@example.com')).toEqual({
      address: 'no-reply@example.com',
      domain: 'example.com',
    });
    expect(emailDomain('Rapport Demo <hi@mail.example.org>')).toEqual({
      address: 'hi@mail.example.org',
      domain: 'mail.example.org',
    });
    for (const bad of ['', 'example.com', '@example.com', 'me@', 'a b@example.com'])
      expect(() => emailDomain(bad)).toThrow(/context senderAddress: got .*; expected an email address/);
  });

  it('accept only an https public base URL without query or fragment', () => {
    expect(checkPublicBaseUrl('https://go.example.org/rapport')).toBe('https://go.example.org/rapport');
    for (const bad of ['http://go.example.org', 'go.example.org', 'https://x.org/?a=1', 'https://x.org/#top'])
      expect(() => checkPublicBaseUrl(bad)).toThrow(InvalidSettingError);
  });

  it('name constructs and outputs after journey ids', () => {
    expect(pascalCase('first-small-purchase')).toBe('FirstSmallPurchase');
    expect(pascalCase('win-back-2')).toBe('WinBack2');
  });

  it('accept whole minutes from 1 to 1440 between sweeps, as a number (cdk.json) or a string (-c)', () => {
    expect(checkSweepEvery(15)).toBe(15);
    expect(checkSweepEvery('15')).toBe(15);
    expect(checkSweepEvery(1)).toBe(1);
    expect(checkSweepEvery('1440')).toBe(1440);
    for (const bad of [0, -5, 1.5, 1441, '', '15m', '1e2', 'hourly', true, null])
      expect(() => checkSweepEvery(bad)).toThrow(
        /^context sweepEvery: got .*; expected whole minutes between sweeps, from 1 to 1440/,
      );
    expect(sweepRate(1)).toBe('rate(1 minute)');
    expect(sweepRate(15)).toBe('rate(15 minutes)');
  });

  it('are read from context and rejected by name when wrong', () => {
    expect(() => build({ senderAddress: 'nobody' })).toThrow(/context senderAddress/);
    expect(() => build({ publicBaseUrl: 'http://insecure.example.org' })).toThrow(/context publicBaseUrl/);
    expect(() => build({ senderAddress: 42 })).toThrow(InvalidSettingError);
    expect(() => build({ sweepEvery: 'hourly' })).toThrow(InvalidSettingError);
    expect(() => build({ sweepEvery: '0' })).toThrow(/context sweepEvery: got "0"/);
  });

  it('sweepEvery sets the schedule rate, how long a delivery is retried and how long Lambda keeps it', () => {
    const { stack } = build({ sweepEvery: '15' });
    const template = Template.fromStack(stack);
    const [schedule] = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule'));
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 15 * 60 } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 15 * 60,
    });
  });
});
