/**
 * Pinpoint message variables (Handlebars: `{{User.UserAttributes.FirstName}}`, `{{Attributes.City}}`) to
 * Rapport's Liquid variables. Rapport renders a template with `customer.firstName`, `customer.email`,
 * `customer.locale` and `brand.name` (domain/messages/render.ts): a Pinpoint variable that means one of
 * these is translated, keeping the template's default substitution as a Liquid `default`; any other is
 * replaced by its default substitution (or nothing) and named in a warning, so nothing changes silently.
 */

const CUSTOMER_FIELDS: Record<string, string> = {
  firstname: 'customer.firstName',
  givenname: 'customer.firstName',
  name: 'customer.firstName',
  email: 'customer.email',
  emailaddress: 'customer.email',
  locale: 'customer.locale',
  language: 'customer.locale',
};

/** The Rapport variable a Pinpoint one means, or undefined. */
export function rapportVariable(pinpoint: string, channel: 'email' | 'sms'): string | undefined {
  if (pinpoint === 'Address') return channel === 'email' ? 'customer.email' : undefined;
  if (pinpoint === 'Demographic.Locale') return 'customer.locale';
  const m = /^(?:User\.UserAttributes|Attributes)\.([A-Za-z0-9_.-]+)$/.exec(pinpoint);
  if (!m) return undefined;
  return CUSTOMER_FIELDS[m[1]!.toLowerCase().replace(/[_.-]/g, '')];
}

export interface Translated {
  text: string;
  /** Each variable or helper with no Rapport equivalent, as written. */
  unmapped: string[];
}

const quote = (s: string) => JSON.stringify(s);
const TAG = /\{\{\{?\s*([#/]?)([^{}]*?)\s*\}?\}\}/g;

/**
 * Translates one text. Block helpers `#if`/`#unless`/`else` on a mapped variable become Liquid's; other
 * helpers (`#each`, `formatDate`, …) are removed and listed as unmapped. Literal `{%` (Liquid's own
 * syntax, meaningless in Pinpoint) is kept literal with Liquid's raw tag.
 */
export function translateText(
  text: string,
  channel: 'email' | 'sms',
  defaults: Record<string, string>,
): Translated {
  const unmapped: string[] = [];
  const blocks: string[] = [];
  const escaped = text.replace(/\{%/g, '{% raw %}{%{% endraw %}');
  const out = escaped.replace(TAG, (whole, sigil: string, inner: string) => {
    const [head = '', ...args] = inner.trim().split(/\s+/);
    if (sigil === '#' && (head === 'if' || head === 'unless') && args.length === 1) {
      const variable = rapportVariable(args[0]!, channel);
      if (variable) {
        blocks.push(head);
        return `{% ${head} ${variable} %}`;
      }
    }
    if (sigil === '/' && blocks.length && head === blocks.at(-1)) return `{% end${blocks.pop()!} %}`;
    if (sigil === '' && head === 'else' && args.length === 0 && blocks.length) return '{% else %}';
    if (sigil === '' && args.length === 0) {
      const variable = rapportVariable(head, channel);
      const fallback = defaults[head];
      if (variable)
        return fallback === undefined
          ? `{{ ${variable} }}`
          : `{{ ${variable} | default: ${quote(fallback)} }}`;
      unmapped.push(whole);
      return fallback ?? '';
    }
    unmapped.push(whole);
    return '';
  });
  return { text: out, unmapped };
}

/** A template's DefaultSubstitutions (a JSON object in a string), or {} when absent or unreadable. */
export function defaultSubstitutions(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}
