import { Liquid } from 'liquidjs';
import { loadWorkflows, type Workflows } from '../../domain/config/load';
import { newProfile } from '../../domain/lifecycle/apply';
import { parsedOnce } from '../../domain/messages/engine';
import { signLink } from '../../domain/messages/links';
import {
  createRenderer,
  emailVariables,
  layoutVariables,
  resolveLocale,
  templateVariables,
  type RenderInput,
} from '../../domain/messages/render';
import { hasEmail } from '../../domain/messages/template';
import { stepKey } from '../../domain/step-key';
import { WORKFLOWS_DIR } from '../support/paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const referenceHtml = reference(new Liquid({ outputEscape: 'escape' }));
const referenceText = reference(new Liquid());

/** Each text parsed once, rendered every time: the renderer before it remembered anything. */
function reference(engine: Liquid) {
  const parsed = new Map<string, ReturnType<Liquid['parse']>>();
  return {
    parseAndRenderSync(text: string, scope: object): string {
      if (!parsed.has(text)) parsed.set(text, engine.parse(text));
      return engine.renderSync(parsed.get(text) ?? [], scope) as string;
    },
  };
}

/** Rendering as it was before any part was remembered: every part rendered by plain liquidjs. */
function referenceRender(w: Workflows, input: RenderInput) {
  const [html, text] = [referenceHtml, referenceText];
  const byLocale = w.templates[input.template] ?? {};
  const locale = resolveLocale(input.profile.locale, Object.keys(byLocale), w.settings.defaultLocale);
  const tpl = byLocale[locale];
  const layout = w.layouts[locale];
  if (!tpl || !layout || !hasEmail(tpl)) throw new Error(`no email for ${input.template} ${locale}`);
  const vars = emailVariables(w.settings, input);
  const subject = text.parseAndRenderSync(tpl.subject, vars).trim();
  const preheader = tpl.preheader === undefined ? '' : text.parseAndRenderSync(tpl.preheader, vars).trim();
  const content = text.parseAndRenderSync(tpl.text, vars).trim();
  const htmlContent = html.parseAndRenderSync(tpl.html, vars);
  return {
    locale,
    subject,
    text: `${text.parseAndRenderSync(layout.text, layoutVariables(vars, { subject, content })).trim()}\n`,
    html: html.parseAndRenderSync(
      layout.html,
      layoutVariables(vars, { subject, preheader, content: htmlContent }),
    ),
  };
}

function referenceSms(w: Workflows, template: string, profile: RenderInput['profile'], marketing: boolean) {
  const byLocale = w.templates[template] ?? {};
  const locale = resolveLocale(profile.locale, Object.keys(byLocale), w.settings.defaultLocale);
  const sms = byLocale[locale]?.sms ?? '';
  const body = referenceText.parseAndRenderSync(sms, templateVariables(w.settings, profile)).trim();
  return marketing ? `${body} ${w.layouts[locale]?.smsOptOut}` : body;
}

// Names that share and differ, escape in HTML, are empty or absent, in both scripts; each twice, apart.
const NAMES = [
  undefined,
  'Ann',
  '<b>Ann</b> & "co"',
  '',
  '欧阳明月',
  'Ann',
  undefined,
  'Bob',
  '欧阳明月',
  '',
];
const LOCALES = [undefined, 'en-GB', 'zh-HK'];

describe('a renderer that remembers template parts', () => {
  const renderer = createRenderer(workflows);
  const templates = Object.keys(workflows.templates);

  it('renders every shipped template in every locale exactly as liquidjs renders it afresh', () => {
    let compared = 0;
    for (const [i, firstName] of NAMES.entries())
      for (const locale of LOCALES)
        for (const template of templates) {
          const profile = {
            ...newProfile(`c-${i}`, workflows.lifecycle, new Date(0)),
            email: `c${i}@example.com`,
            ...(locale === undefined ? {} : { locale }),
            ...(firstName === undefined ? {} : { firstName }),
          };
          const links = [0, 10].map((score) => ({ score, url: `https://r.test/f?token=${i}-${score}` }));
          const input: RenderInput = {
            template,
            profile,
            unsubscribeUrl: `https://r.test/u?token=${i}&x=<${locale}>`,
            ...(i % 3 === 0 ? {} : { preferencesUrl: `https://r.test/p?token=${i}` }),
            ...(i % 2 === 0 ? { survey: { kind: 'nps', links } } : {}),
          };
          const tpl = Object.values(workflows.templates[template] ?? {})[0];
          if (tpl && hasEmail(tpl)) {
            expect(renderer.render(input)).toEqual(referenceRender(workflows, input));
            compared++;
          }
          if (tpl?.sms !== undefined)
            for (const category of ['marketing', 'transactional'] as const) {
              const sms = renderer.renderSms({ template, profile, category });
              expect(sms.body).toBe(referenceSms(workflows, template, profile, category === 'marketing'));
              compared++;
            }
        }
    expect(compared).toBeGreaterThan(NAMES.length * LOCALES.length * templates.length);
  });

  it('renders what it cannot vouch for every time: a counter, a value that is not plain data', () => {
    const engine = parsedOnce(new Liquid());
    const scope = {};
    expect(engine.renderRemembered('{% increment n %}', scope)).toBe('0');
    expect(engine.renderRemembered('{% increment n %}', scope)).toBe('1');
    // Node by node only where no node passes anything to the next.
    for (const text of ['{% assign x = name %}{{ x }}', '{% capture x %}{{ name }}{% endcapture %}{{ x }}'])
      for (const name of ['a', 'b']) expect(engine.renderByNode(text, { name })).toBe(name);
    const date = new Date(0);
    const first = engine.renderRemembered('{{ d }}', { d: date });
    date.setTime(86_400_000 * 400);
    expect(engine.renderRemembered('{{ d }}', { d: date })).not.toBe(first);
  });

  it('tells apart what Liquid tells apart: computed keys, sizes, null and absent, numbers and strings', () => {
    const engine = parsedOnce(new Liquid());
    const fresh = new Liquid();
    const texts = [
      '{% assign k = "b" %}{{ c[k] }}|{{ c.size }}|{{ c.first }}',
      '{% for x in list %}{{ x }},{% endfor %}{{ list.size }}',
      '{% if v == nil %}nil{% elsif v == "" %}empty{% else %}{{ v | json }}{% endif %}',
      '{% case v %}{% when 1 %}one{% when "1" %}string one{% else %}other{% endcase %}',
      'a {{- v }} {%- for x in list %}[{{ x }}]{% endfor -%} b {% if c.a %}{{ c.a }}{% endif %}',
    ];
    const scopes = [
      { c: { a: 1, b: 2 }, list: [1, 2], v: 1 },
      { c: { a: 1, b: 3 }, list: [1, 2, 3], v: '1' },
      { c: { a: 1 }, list: [], v: null },
      { c: {}, v: undefined },
      { c: { a: 1, b: 2 }, list: [1, 2], v: '' },
      { c: { a: 1, b: 3 }, list: [1, 2, 3], v: 1 },
    ];
    for (const scope of [...scopes, ...scopes])
      for (const text of texts) {
        expect(engine.renderRemembered(text, scope)).toBe(fresh.parseAndRenderSync(text, scope));
        expect(engine.renderByNode(text, scope)).toBe(fresh.parseAndRenderSync(text, scope));
      }
  });
});

describe('signatures and keys', () => {
  it('signs links exactly as before (HMAC-SHA256 of the claims, base64url)', () => {
    expect(
      signLink({ customerId: 'c-1', purpose: 'unsubscribe', channel: 'email', iat: 1_767_225_600 }, 'k1'),
    ).toBe(
      'eyJjdXN0b21lcklkIjoiYy0xIiwicHVycG9zZSI6InVuc3Vic2NyaWJlIiwiY2hhbm5lbCI6ImVtYWlsIiwiaWF0IjoxNzY3MjI1NjAwfQ' +
        '.0l9Ewh7dnqBnw3C0DWXZ52pGxD2_3Q6zp57xC6FM8kU',
    );
    const feedback = {
      customerId: '客户-7',
      purpose: 'feedback',
      iat: 1_767_225_600,
      exp: 1_767_225_600 + 30 * 86_400,
      survey: 'nps',
      score: 9,
      journeyId: 'nps-survey',
      stepId: 'ask',
      messageKey: '0123456789abcdef0123456789abcdef',
    } as const;
    // Another secret between two signings with the first: each link is signed with its own.
    const token = signLink(feedback, 'sécret');
    expect(signLink(feedback, 'k1')).not.toBe(token);
    expect(signLink(feedback, 'sécret')).toBe(token);
    expect(token.split('.')[1]).toBe('FSDnSF807BTfnLWs9B5W5yJCmJwPd4ZkUZkTced6pdo');
  });

  it('keys a step as before (the first 32 hex digits of SHA-256)', () => {
    expect(stepKey('arn:aws:states:x:execution:y', 'ask')).toBe('7f6e556e7eb9cb4ca92a00407815a0b5');
  });
});
