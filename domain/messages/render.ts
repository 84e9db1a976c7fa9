import { Liquid } from 'liquidjs';
import type { Settings } from '../config/settings';
import { TemplateNotFoundError } from '../errors';
import type { Profile } from '../profile/profile';
import { parsedOnce } from './engine';
import { smsLength } from './sms';
import { hasEmail } from './email-part';
import type { EmailLayout, MessageTemplate } from './template';
import { resolveLocale } from './locale';

export { resolveLocale } from './locale';

export interface RenderedEmail {
  locale: string;
  subject: string;
  text: string;
  html: string;
}

export interface RenderedSms {
  locale: string;
  body: string;
  parts: number;
}

export interface RenderInput {
  template: string;
  profile: Profile;
  unsubscribeUrl: string;
  /** The preference centre: channels and topics, one page. */
  preferencesUrl?: string;
  /** For a survey step: one signed link per score. */
  survey?: { kind: 'nps' | 'csat'; links: { score: number; url: string }[] };
  /** The journey's entry event's properties that are not personal data (`event.*`). */
  event?: EventProperties;
}

/** What `event.*` reads: a declared entry event's properties (none personal). */
export type EventProperties = Record<string, string | number | boolean>;

/**
 * What a template's Liquid can use, one function per context so that `validate` renders every template
 * against exactly the variables a send provides (see domain/messages/check-templates.ts).
 * An SMS gets these only: no links fit in a text message.
 */
type TemplateProfile = Pick<Profile, 'firstName' | 'email' | 'locale' | 'firstPurchase'>;

export function templateVariables(
  settings: Pick<Settings, 'brand'>,
  profile: TemplateProfile,
  unsubscribeUrl?: string,
  event?: EventProperties,
) {
  return {
    brand: settings.brand,
    customer: { firstName: profile.firstName, email: profile.email, locale: profile.locale },
    firstPurchase: profile.firstPurchase,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    // Absent unless the journey starts on a declared event: validate refuses `event.*` elsewhere.
    ...(event ? { event } : {}),
  };
}

/** An email's subject, preheader, text and html: the template variables, the links and a survey's. */
export function emailVariables(
  settings: Pick<Settings, 'brand'>,
  input: Pick<RenderInput, 'unsubscribeUrl' | 'preferencesUrl' | 'survey' | 'event'> & {
    profile: TemplateProfile;
  },
) {
  const { profile, unsubscribeUrl, preferencesUrl, survey, event } = input;
  return {
    ...templateVariables(settings, profile, unsubscribeUrl, event),
    ...(preferencesUrl ? { preferencesUrl } : {}),
    ...(survey ? { survey } : {}),
  };
}

/** The layout frames the rendered content: it gets the email variables plus subject, preheader and content. */
export function layoutVariables<V extends object>(
  vars: V,
  parts: { subject: string; content: string; preheader?: string },
) {
  return { ...vars, ...parts };
}

interface Catalog {
  settings: Settings;
  templates: Record<string, Record<string, MessageTemplate>>;
  layouts: Record<string, EmailLayout>;
}

type Engine = ReturnType<typeof parsedOnce>;

export function createRenderer(catalog: Catalog) {
  // HTML output escapes every variable (customer data is untrusted); text output must not.
  // Every email has links of its own: what shows them is rendered each time, the rest once (engine.ts).
  const unique = ['unsubscribeUrl', 'preferencesUrl', 'survey'];
  const htmlEngine = parsedOnce(new Liquid({ outputEscape: 'escape' }), { unique });
  const textEngine = parsedOnce(new Liquid(), { unique });

  return {
    render(input: RenderInput): RenderedEmail {
      return renderEmail(catalog, { html: htmlEngine, text: textEngine }, input);
    },
    /** The text message; a marketing one ends with the layout's opt-out line (e.g. "Reply STOP to opt out"). */
    renderSms({
      template,
      profile,
      category,
      event,
    }: {
      template: string;
      profile: Profile;
      category: 'marketing' | 'transactional';
      event?: EventProperties;
    }): RenderedSms {
      const { locale, tpl, layout } = pickTemplate(catalog, template, profile);
      if (tpl.sms === undefined)
        throw new TemplateNotFoundError(`template "${template}" (${locale}) has no sms text`);
      const vars = templateVariables(catalog.settings, profile, undefined, event);
      const text = textEngine.renderRemembered(tpl.sms, vars).trim();
      const body = category === 'marketing' ? `${text} ${layout.smsOptOut}` : text;
      return { locale, body, parts: smsLength(body).parts };
    },
  };
}

/** The customer's version of a template, and its layout. */
function pickTemplate(catalog: Catalog, template: string, profile: Profile) {
  const byLocale = catalog.templates[template];
  if (!byLocale)
    throw new TemplateNotFoundError(`template "${template}" does not exist in workflows/templates/`);
  const locale = resolveLocale(profile.locale, Object.keys(byLocale), catalog.settings.defaultLocale);
  const tpl = byLocale[locale];
  const layout = catalog.layouts[locale];
  if (!tpl || !layout)
    throw new TemplateNotFoundError(
      `template "${template}" has no ${locale} version (or no ${locale} layout)`,
    );
  return { locale, tpl, layout };
}

function renderEmail(
  catalog: Catalog,
  engines: { html: Engine; text: Engine },
  { template, profile, unsubscribeUrl, preferencesUrl, survey, event }: RenderInput,
): RenderedEmail {
  const { html: htmlEngine, text: textEngine } = engines;
  const { locale, tpl, layout } = pickTemplate(catalog, template, profile);
  if (!hasEmail(tpl))
    throw new TemplateNotFoundError(`template "${template}" (${locale}) has no email: it is SMS only`);
  const vars = emailVariables(catalog.settings, {
    profile,
    unsubscribeUrl,
    preferencesUrl,
    survey,
    ...(event ? { event } : {}),
  });
  const subject = textEngine.renderRemembered(tpl.subject, vars).trim();
  const preheader =
    tpl.preheader === undefined ? '' : textEngine.renderRemembered(tpl.preheader, vars).trim();
  const textContent = textEngine.renderRemembered(tpl.text, vars).trim();
  const htmlContent = htmlEngine.renderRemembered(tpl.html, vars);
  return {
    locale,
    subject,
    text: `${textEngine.renderByNode(layout.text, layoutVariables(vars, { subject, content: textContent })).trim()}\n`,
    html: htmlEngine.renderByNode(
      layout.html,
      layoutVariables(vars, { subject, preheader, content: htmlContent }),
    ),
  };
}
export type Renderer = ReturnType<typeof createRenderer>;
