import { buildApp } from '../../infra/build-app';
import { checkPublicBaseUrl, emailDomain, InvalidSettingError, pascalCase } from '../../infra/names';
import { FAST_SYNTH } from './support';

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

  it('are read from context and rejected by name when wrong', () => {
    const build = (context: Record<string, unknown>) =>
      buildApp({ nag: false, appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, ...context } } });
    expect(() => build({ senderAddress: 'nobody' })).toThrow(/context senderAddress/);
    expect(() => build({ publicBaseUrl: 'http://insecure.example.org' })).toThrow(/context publicBaseUrl/);
    expect(() => build({ senderAddress: 42 })).toThrow(InvalidSettingError);
  });
});
