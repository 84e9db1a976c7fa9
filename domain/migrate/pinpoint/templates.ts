import type { MessageTemplate } from '../../messages/template';
import { approximated, exact, unsupported, type ReportEntry } from './report';
import type { EmailTemplate, SmsTemplate } from './schema';
import { defaultSubstitutions, translateText } from './variables';
import { slugOf } from './ids';

export interface ImportedTemplate {
  id: string;
  /** Pinpoint templates have one language: the same text in every locale, to be translated. */
  template: MessageTemplate;
  entries: ReportEntry[];
}

const SUBJECT_MAX = 200;
const SMS_MAX = 1000;

/** Text for the plain-text part when a Pinpoint email had only HTML: tags dropped, entities read. */
export function textOfHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function variableEntries(subject: string, unmapped: readonly string[]): ReportEntry[] {
  return [...new Set(unmapped)].map((v) =>
    approximated(
      'template',
      subject,
      `${v} has no Rapport variable (Rapport has customer.firstName, customer.email, customer.locale, brand.name): replaced by its default substitution, or removed`,
    ),
  );
}

/**
 * The content of a whole HTML document (Pinpoint's HtmlPart usually is one): Rapport's layout is the
 * document around every email, with the footer and unsubscribe link, so the template holds what goes in it.
 */
export function bodyOf(html: string): { html: string; head?: boolean } {
  const body = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(html);
  if (!body) return { html };
  return { html: body[1]!.trim(), head: /<(style|link)\b/i.test(html.slice(0, body.index)) };
}

/** One Pinpoint email template as a Rapport template; its id is the template name as a slug. */
export function importEmailTemplate(t: EmailTemplate): ImportedTemplate {
  const id = slugOf(t.TemplateName, 'template');
  const subjectOf = `${t.TemplateName} (email)`;
  const defaults = defaultSubstitutions(t.DefaultSubstitutions);
  const subject = translateText(t.Subject, 'email', defaults);
  const document = bodyOf(t.HtmlPart ?? t.TextPart ?? '');
  const html = translateText(document.html, 'email', defaults);
  const text = translateText(t.TextPart ?? textOfHtml(t.HtmlPart ?? ''), 'email', defaults);
  const entries: ReportEntry[] = [
    exact('template', subjectOf, `workflows/templates/${id}/<locale>.yaml: subject, text and html`),
  ];
  if (t.TextPart === undefined)
    entries.push(
      approximated('template', subjectOf, 'no TextPart: the plain-text part was made from HtmlPart'),
    );
  if (document.head)
    entries.push(
      approximated(
        'template',
        subjectOf,
        "the document's <head> styles were left out (Rapport's layout frames the <body>): inline the styles that matter",
      ),
    );
  if (t.HtmlPart === undefined)
    entries.push(approximated('template', subjectOf, 'no HtmlPart: the HTML part is the TextPart'));
  entries.push(...variableEntries(subjectOf, [...subject.unmapped, ...html.unmapped, ...text.unmapped]));
  let subjectText = subject.text.trim();
  if (subjectText.length > SUBJECT_MAX) {
    entries.push(approximated('template', subjectOf, `subject cut to ${SUBJECT_MAX} characters`));
    subjectText = subjectText.slice(0, SUBJECT_MAX);
  }
  return {
    id,
    entries,
    template: { subject: subjectText, text: text.text || ' ', html: html.text || ' ' },
  };
}

/** One Pinpoint SMS template as a Rapport template. */
export function importSmsTemplate(t: SmsTemplate): ImportedTemplate {
  const id = slugOf(t.TemplateName, 'template');
  const subjectOf = `${t.TemplateName} (SMS)`;
  const body = translateText(t.Body, 'sms', defaultSubstitutions(t.DefaultSubstitutions));
  const entries: ReportEntry[] = [
    exact('template', subjectOf, `workflows/templates/${id}/<locale>.yaml: sms`),
  ];
  entries.push(...variableEntries(subjectOf, body.unmapped));
  if (/\b(reply|text|txt)\s+stop\b/i.test(t.Body))
    entries.push(
      approximated(
        'template',
        subjectOf,
        "the text has its own opt-out line: Rapport adds the layout's (smsOptOut) to marketing texts, so remove one",
      ),
    );
  let sms = body.text;
  if (sms.length > SMS_MAX) {
    entries.push(
      unsupported('template', subjectOf, `body longer than ${SMS_MAX} characters: cut; shorten it`),
    );
    sms = sms.slice(0, SMS_MAX);
  }
  return { id, entries, template: { sms } };
}
