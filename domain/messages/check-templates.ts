import { Liquid } from 'liquidjs';
import type { YamlSource } from '../config/source';
import { formatPath, type Problem } from '../errors';
import { emailVariables, layoutVariables, templateVariables } from './render';

/**
 * A customer with every optional field filled in, and every link a send can add: templates are
 * rendered against it at validation, so that a name the real render never provides (a misspelt
 * variable) or a filter Liquid does not know fails there, instead of rendering "Hello ," to customers.
 * Every field is set because liquidjs's strictVariables refuses an undefined one even under `default`.
 */
const SAMPLE_PROFILE = {
  firstName: 'Alex',
  email: 'alex@example.com',
  locale: 'en',
  firstPurchase: {
    eventId: 'sample',
    at: '2026-01-01T00:00:00.000Z',
    amount: 10,
    currency: 'USD',
    small: true,
  },
};
const SAMPLE_LINKS = {
  unsubscribeUrl: 'https://example.com/unsubscribe',
  preferencesUrl: 'https://example.com/preferences',
  // Any template may be used by a survey step; a survey's links are what its template loops over.
  survey: { kind: 'nps' as const, links: [{ score: 10, url: 'https://example.com/feedback' }] },
};

const strict = new Liquid({ strictVariables: true, strictFilters: true });

/** The Liquid fields of a message template and what each is rendered with, as the send path does. */
function templateContexts(brand: { name: string }) {
  const email = emailVariables({ brand }, { profile: SAMPLE_PROFILE, ...SAMPLE_LINKS });
  const sms = templateVariables({ brand }, SAMPLE_PROFILE);
  return { subject: email, preheader: email, text: email, html: email, sms };
}

/** The Liquid fields of an email layout: the email variables plus the rendered parts they frame. */
function layoutContexts(brand: { name: string }) {
  const email = emailVariables({ brand }, { profile: SAMPLE_PROFILE, ...SAMPLE_LINKS });
  const parts = { subject: 'Subject', content: 'Content' };
  return {
    text: layoutVariables(email, parts),
    html: layoutVariables(email, { ...parts, preheader: 'Preheader' }),
  };
}

/**
 * Renders each Liquid field of a template (`kind: 'template'`) or layout file strictly, and reports
 * the first problem of each field at its line and column in the file.
 */
export function templateProblems(
  src: YamlSource,
  fields: Record<string, unknown>,
  kind: 'template' | 'layout',
  brand: { name: string },
): Problem[] {
  const contexts: Record<string, object> =
    kind === 'template' ? templateContexts(brand) : layoutContexts(brand);
  const problems: Problem[] = [];
  for (const [field, context] of Object.entries(contexts)) {
    const text = fields[field];
    if (typeof text !== 'string') continue;
    const problem = renderProblem(text, context);
    if (!problem) continue;
    const pos =
      (problem.line !== undefined && src.locateInText([field], problem.line, problem.column)) ||
      src.locate([field]);
    problems.push({
      source: src.file,
      line: pos?.line,
      column: pos?.column,
      field: formatPath([field]),
      value: problem.snippet,
      expected: problem.expected,
    });
  }
  return problems;
}

interface RenderProblem {
  line?: number;
  column: number;
  snippet: string;
  expected: string;
}

function renderProblem(text: string, context: object): RenderProblem | undefined {
  try {
    strict.renderSync(strict.parse(text), context);
    return undefined;
  } catch (e) {
    const error = e as Error & { token?: { getPosition?(): [number, number] } };
    const reason = error.message.replace(/, line:\d+, col:\d+$/, '');
    const position = error.token?.getPosition?.();
    if (!position) return { column: 1, snippet: text, expected: expectedFor(reason) };
    return { ...enclosingTag(text, position[0], position[1]), expected: expectedFor(reason) };
  }
}

/** The whole `{{ … }}` or `{% … %}` around a position: what to quote, and where it starts. */
function enclosingTag(text: string, line: number, column: number) {
  const lineText = text.split('\n')[line - 1] ?? '';
  const start = Math.max(lineText.lastIndexOf('{{', column - 1), lineText.lastIndexOf('{%', column - 1));
  if (start === -1) return { line, column, snippet: lineText.trim() };
  const close = lineText.slice(start, start + 2) === '{{' ? '}}' : '%}';
  const end = lineText.indexOf(close, start);
  return {
    line,
    column: start + 1,
    snippet: lineText.slice(start, end === -1 ? undefined : end + 2),
  };
}

function expectedFor(reason: string): string {
  const variable = /^undefined variable: (.+)$/.exec(reason);
  if (variable)
    return `a variable a message has ("${variable[1]}" is none of them; check its spelling): brand.name, customer.firstName, customer.email, customer.locale, firstPurchase.*, unsubscribeUrl, preferencesUrl, survey.links (emails only)`;
  const filter = /^undefined filter: (.+)$/.exec(reason);
  if (filter)
    return `a Liquid filter ("${filter[1]}" is not one; check its spelling), e.g. default, upcase, capitalize, date`;
  return `valid Liquid (${reason.split(',')[0]})`;
}
