import { loadWorkflows } from '../../domain/config/load';
import { signLink, verifyLink } from '../../domain/messages/links';
import { createRenderer, resolveLocale } from '../../domain/messages/render';
import { newProfile } from '../../domain/lifecycle/apply';
import { WORKFLOWS_DIR } from '../support/paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);

describe('locale resolution', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['zh-HK', 'zh-CN'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    [undefined, 'en'],
  ])('%s → %s', (wanted, expected) => {
    expect(resolveLocale(wanted, ['en', 'zh-CN'], 'en')).toBe(expected);
  });
});

describe('rendering', () => {
  const renderer = createRenderer(workflows);
  const profile = {
    ...newProfile('c-1', workflows.lifecycle, new Date(0)),
    firstName: '<b>Ann</b> & co',
    locale: 'en-GB',
  };

  it('frames the template with the layout and its unsubscribe link, in the customer’s locale', () => {
    const email = renderer.render({
      template: 'first-purchase-thanks',
      profile,
      unsubscribeUrl: 'https://x.test/unsubscribe?token=T',
    });
    expect(email.locale).toBe('en');
    expect(email.subject).toBe('Thank you for your first order, <b>Ann</b> & co');
    expect(email.text).toContain('Hello <b>Ann</b> & co,');
    expect(email.text).toContain('Unsubscribe: https://x.test/unsubscribe?token=T');
    expect(email.html).toContain('Hello &lt;b&gt;Ann&lt;/b&gt; &amp; co,');
    expect(email.html).toContain('<a href="https://x.test/unsubscribe?token=T"');
    expect(email.html).not.toContain('<b>Ann</b>');
  });

  it('falls back gracefully when the customer has no first name', () => {
    const email = renderer.render({
      template: 'first-purchase-thanks',
      profile: { ...profile, firstName: undefined, locale: 'zh-CN' },
      unsubscribeUrl: 'u',
    });
    expect(email.subject).toBe('感谢您的第一笔订单');
    expect(email.text.startsWith('您好：')).toBe(true);
  });

  it('names a missing template', () => {
    expect(() => renderer.render({ template: 'nope', profile, unsubscribeUrl: 'u' })).toThrow(
      expect.objectContaining({ name: 'TemplateNotFoundError', message: expect.stringContaining('"nope"') }),
    );
  });
});

describe('signed links', () => {
  const claims = {
    customerId: 'c-42',
    purpose: 'unsubscribe',
    channel: 'email',
    iat: 1_795_330_000,
  } as const;

  it('round-trips and refuses another key, a changed body or garbage', () => {
    const token = signLink(claims, 'k1');
    expect(verifyLink(token, 'k1')).toEqual(claims);
    expect(verifyLink(token, 'k2')).toBeUndefined();
    const [, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...claims, customerId: 'c-43' })).toString('base64url')}.${sig}`;
    expect(verifyLink(forged, 'k1')).toBeUndefined();
    for (const junk of ['', '.', 'a.b.c', 'x'.repeat(500), `${token}.`])
      expect(verifyLink(junk, 'k1')).toBeUndefined();
  });
});
