import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { composeMime } from '../adapters/email/ses-mailer';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import { ConfigValidationError, formatProblems, TemplateNotFoundError } from '../domain/errors';
import { resolveLocale } from '../domain/messages/locale';
import {
  PLACEHOLDER_BASE_URL,
  previewProfile,
  previewSend,
  renderPreview,
  sampleProfile,
  type EmailPreview,
  type SmsPreview,
} from '../domain/messages/preview';
import type { SendMessageInput } from '../domain/messages/send';
import type { Profile } from '../domain/profile/profile';
import { commandArgs } from './args';

export const PREVIEW_USAGE = `Usage: rapport preview <template> [dir] [--locale <locale>] [--customer <file.json> | --sample]
                       [--out <dir>]

Renders a message template as a send step would for one customer, through the send's own code:
  email  subject, headers (List-Unsubscribe included), text and HTML; writes <template>.<locale>.html
         and <template>.<locale>.eml (the MIME message a send hands to SES) to --out
  SMS    the text as sent (a marketing one ends with the layout's opt-out line), its encoding
         (GSM-7 or UCS-2) and how many billed parts it takes; writes <template>.<locale>.sms.txt
The send step is the first journey step that uses the template (its category and survey change the
message). Links point to ${PLACEHOLDER_BASE_URL}: placeholders, signed with no real secret.
A variable or filter Liquid does not know fails the preview (exit 1), naming file, line and variable,
as rapport validate does; one the customer has no value for, with no default or if around it, is a
warning (it renders empty).

  [dir]                the workflows folder (default ./workflows)
  --locale <locale>    this version of the template (default: every version for --sample; for a
                       customer, the one their send would use)
  --customer <file>    a customer as JSON, shaped like a stored profile: firstName, email, phone,
                       locale, timeZone, attributes, firstPurchase { at, amount, currency, small }…
  --sample             the sample customer rapport validate renders for (the default)
  --out <dir>          where the files go (default ./preview)
`;

const OPTIONS = {
  locale: { type: 'string' },
  customer: { type: 'string' },
  sample: { type: 'boolean', default: false },
  out: { type: 'string' },
} as const;

type Out = (s: string) => void;

/** `rapport preview`: what a customer would get from a template, without sending it. */
export async function previewCommand(
  argv: readonly string[],
  out: Out,
  err: Out,
  now: Date = new Date(),
): Promise<number> {
  const parsed = commandArgs(
    { name: 'preview', usage: PREVIEW_USAGE },
    () => parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }),
    ({ values: v, positionals }) =>
      positionals.length < 1 || positionals.length > 2
        ? 'name one template, e.g. rapport preview we-miss-you'
        : v.customer !== undefined && v.sample
          ? '--customer and --sample: choose one'
          : undefined,
    err,
  );
  if (!parsed) return 2;
  const [template = '', dir] = parsed.positionals;
  const fail = (code: number, s: string) => (err(`rapport preview ${template}: ${s}`), code);
  const w = workflowsFor(template, dir, fail);
  if (typeof w === 'number') return w;
  const available = Object.keys(w.templates[template] ?? {});
  if (!available.length)
    return fail(2, `no template "${template}"; known: ${Object.keys(w.templates).sort().join(', ')}`);
  const customer = customerFor(parsed.values.customer, w, now, fail);
  if (typeof customer === 'number') return customer;
  const locales = localesFor(parsed.values.locale, available, customer, w);
  if ('problem' in locales) return fail(2, locales.problem);
  const outDir = resolve(parsed.values.out ?? 'preview');
  mkdirSync(outDir, { recursive: true });
  for (const locale of locales.locales) {
    // A customer file keeps its own locale (the send resolves it as localesFor did) unless --locale is given.
    const own = !customer.sample && parsed.values.locale === undefined;
    const profile = own ? customer.profile : { ...customer.profile, locale };
    const input = previewSend(w, template, profile);
    let rendered;
    try {
      rendered = await renderPreview(w, input, profile, { now, sender: senderOf(w), locale });
    } catch (e) {
      if (e instanceof TemplateNotFoundError) return fail(1, e.message);
      throw e;
    }
    out(heading(input, locale));
    for (const e of rendered.empty)
      out(
        `  warning: ${template}/${locale}.yaml ${e.field}, line ${e.line ?? 1} of it: ${e.snippet} renders empty: this customer has no ${e.variable} (a default, e.g. | default: "there", or an {% if %} would stand in)`,
      );
    if (rendered.email) await printEmail(rendered.email, profile, { outDir, template, out });
    if (rendered.sms) printSms(rendered.sms, { outDir, template, out });
  }
  return 0;
}

/**
 * The workflows, or the exit code once their problems are printed: those of this template (or the
 * layout) alone when it has any, since they are what stops its preview.
 */
function workflowsFor(
  template: string,
  dir: string | undefined,
  fail: (code: number, s: string) => number,
): Workflows | number {
  const root = resolve(dir ?? 'workflows');
  try {
    return loadWorkflows(root);
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    const mine = e.problems.filter((p) =>
      [template, '_layout'].some((t) => p.source?.includes(`${sep}templates${sep}${t}${sep}`)),
    );
    return mine.length
      ? fail(1, `the template does not render:\n${formatProblems(mine)}`)
      : fail(1, `the workflows do not load, so nothing can be previewed:\n${formatProblems(e.problems)}`);
  }
}

function customerFor(
  file: string | undefined,
  w: Workflows,
  now: Date,
  fail: (code: number, s: string) => number,
): { profile: Profile; sample: boolean } | number {
  if (file === undefined) return { profile: sampleProfile(w, now), sample: true };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(1, `--customer ${file}: not a readable JSON file (${(e as Error).message})`);
  }
  const result = previewProfile(data, w, now, file);
  if ('problems' in result)
    return fail(1, `--customer ${file} is not a customer profile:\n${formatProblems(result.problems)}`);
  return { profile: result.profile, sample: false };
}

/** The versions to render: --locale (one the template has), else all for the sample, else the send's. */
function localesFor(
  wanted: string | undefined,
  available: string[],
  customer: { profile: Profile; sample: boolean },
  w: Workflows,
): { locales: string[] } | { problem: string } {
  if (wanted !== undefined) {
    const found = available.find((l) => l.toLowerCase() === wanted.toLowerCase());
    return found
      ? { locales: [found] }
      : { problem: `no "${wanted}" version; the template has: ${available.join(', ')}` };
  }
  if (customer.sample) return { locales: available };
  return {
    locales: [resolveLocale(customer.profile.locale, available, w.settings.defaultLocale)],
  };
}

/** The local runtime's sender (SENDER_ADDRESS on AWS): a preview has no stack to read it from. */
const senderOf = (w: Workflows) => `${w.settings.brand.name} <hello@rapport.local>`;

function heading(input: SendMessageInput, locale: string): string {
  const as =
    input.journeyId === 'preview'
      ? 'no journey sends it: previewed as a marketing email'
      : `as journey ${input.journeyId}, step ${input.stepId} sends it: ${input.category}${input.topic ? `, topic ${input.topic}` : ''}${input.survey ? `, ${input.survey} survey` : ''}`;
  return `${input.template} (${locale}), ${as}`;
}

interface Files {
  outDir: string;
  template: string;
  out: Out;
}

async function printEmail({ locale, email }: EmailPreview, profile: Profile, files: Files) {
  const { outDir, template, out } = files;
  const base = join(outDir, `${template}.${locale}`);
  writeFileSync(`${base}.html`, email.html);
  writeFileSync(`${base}.eml`, await composeMime(email));
  out('Email');
  out(`  From: ${email.from}`);
  out(`  To: ${email.to}${profile.email ? '' : ' (placeholder: the customer has no email address)'}`);
  out(`  Subject: ${email.subject}`);
  out(`  Date: ${email.date.toUTCString()}`);
  out(`  Message-ID: ${email.messageId}`);
  for (const [name, value] of Object.entries(email.headers)) out(`  ${name}: ${value}`);
  out(`  (placeholder links: ${PLACEHOLDER_BASE_URL} stands for the stack's PUBLIC_BASE_URL)`);
  out(`  wrote ${shown(`${base}.html`)} and ${shown(`${base}.eml`)}`);
  out('  Text:');
  for (const line of email.text.trimEnd().split('\n')) out(`    | ${line}`);
}

function printSms({ locale, sms, characters, length }: SmsPreview, files: Files) {
  const { outDir, template, out } = files;
  const path = join(outDir, `${template}.${locale}.sms.txt`);
  writeFileSync(path, `${sms.body}\n`);
  out(`SMS (${sms.category})`);
  out(`    | ${sms.body}`);
  const units = length.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
  out(
    `  ${length.encoding}, ${characters} characters (${length.units} ${units}), ${length.parts} part${length.parts === 1 ? '' : 's'}`,
  );
  out(`  wrote ${shown(path)}`);
}

const shown = (path: string) => relative(process.cwd(), path) || path;
