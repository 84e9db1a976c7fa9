import { Liquid } from 'liquidjs';
import type { YamlSource } from '../config/source';
import { formatPath, type Problem } from '../errors';
import { emailVariables, layoutVariables, templateVariables, type EventProperties } from './render';

/**
 * A customer with every optional field filled in, and every link a send can add: templates are
 * rendered against it at validation, so that a name the real render never provides (a misspelt
 * variable) or a filter Liquid does not know fails there, instead of rendering "Hello ," to customers.
 * Every field is set because liquidjs's strictVariables refuses an undefined one even under `default`.
 * `rapport preview --sample` renders for the same customer, so what validate checked is what it shows.
 */
export const SAMPLE_PROFILE = {
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

type TemplateProfile = Parameters<typeof templateVariables>[1];

/** The Liquid fields of a message template and what each is rendered with, as the send path does. */
function templateContexts(
  brand: { name: string },
  profile: TemplateProfile = SAMPLE_PROFILE,
  event?: EventProperties,
) {
  const email = emailVariables({ brand }, { profile, ...SAMPLE_LINKS, ...(event ? { event } : {}) });
  const sms = templateVariables({ brand }, profile, undefined, event);
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
    // `event.*` depends on the journey that sends the template: checked per send step (eventVariableProblems).
    for (const problem of renderProblems(text, context).filter((p) => !readsEvent(p.reason))) {
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
  }
  return problems;
}

/**
 * The variables of a template this customer has no value for where nothing stands in for them (no
 * `default`, no `if`): the send renders them empty ("Hello ,"). Not a mistake in the template, so a
 * preview warns of them; `line` and `column` are within the field.
 */
export function emptyValues(
  fields: Record<string, unknown>,
  brand: { name: string },
  profile: TemplateProfile,
  event?: EventProperties,
): (RenderProblem & { field: string; variable: string })[] {
  const found = [];
  for (const [field, context] of Object.entries(templateContexts(brand, profile, event))) {
    const text = fields[field];
    if (typeof text !== 'string') continue;
    for (const problem of renderProblems(text, context, { lenientIf: true })) {
      const variable = /^undefined variable: (.+)$/.exec(problem.reason)?.[1];
      if (variable) found.push({ ...problem, field, variable });
    }
  }
  return found;
}

/**
 * The `event.*` variables of a template that a send with these entry event properties has no value for
 * (`event` undefined: the journey does not start on a declared event), with each field's line and column.
 */
export function eventVariableProblems(
  fields: Record<string, unknown>,
  brand: { name: string },
  event: EventProperties | undefined,
): (RenderProblem & { field: string; variable: string })[] {
  const found = [];
  for (const [field, context] of Object.entries(templateContexts(brand, SAMPLE_PROFILE, event))) {
    const text = fields[field];
    if (typeof text !== 'string') continue;
    for (const problem of renderProblems(text, context)) {
      const variable = /^undefined variable: (.+)$/.exec(problem.reason)?.[1];
      if (variable && readsEvent(problem.reason)) found.push({ ...problem, field, variable });
    }
  }
  return found;
}

function readsEvent(reason: string): boolean {
  return /^undefined variable: event(\.|$)/.test(reason);
}

interface RenderProblem {
  line?: number;
  column: number;
  snippet: string;
  expected: string;
  reason: string;
}

/**
 * Each mistake in one text: liquidjs stops at the first, so each is stood in for and the text tried again.
 * A variable under one already reported (`customer.attributes.x` after `customer.attributes`) is the same
 * mistake again, and is not reported twice. `lenientIf`: an undefined value under `if` or `default` is none.
 */
function renderProblems(text: string, context: object, { lenientIf = false } = {}): RenderProblem[] {
  const engine = new Liquid({ strictVariables: true, strictFilters: true, lenientIf });
  const scope = structuredClone(context) as Record<string, unknown>;
  const found: RenderProblem[] = [];
  const seen = new Set<string>();
  const reported: string[] = [];
  for (let attempt = 0; attempt < MAX_PROBLEMS_PER_FIELD; attempt++) {
    const mistake = renderMistake(engine, text, scope);
    if (!mistake || seen.has(mistake.reason)) break;
    seen.add(mistake.reason);
    const filter = /^undefined filter: (.+)$/.exec(mistake.reason)?.[1];
    const variable = /^undefined variable: (.+)$/.exec(mistake.reason)?.[1];
    if (!variable || !reported.some((v) => variable.startsWith(`${v}.`))) found.push(mistake.problem);
    if (variable) reported.push(variable);
    if (filter) engine.registerFilter(filter, (v: unknown) => v);
    else if (variable) standIn(scope, variable.split('.'));
    else break;
  }
  return found;
}
const MAX_PROBLEMS_PER_FIELD = 10;

function renderMistake(engine: Liquid, text: string, scope: object) {
  try {
    engine.renderSync(engine.parse(text), scope);
    return undefined;
  } catch (e) {
    const error = e as Error & { token?: { getPosition?(): [number, number] } };
    const reason = error.message.replace(/, line:\d+, col:\d+$/, '');
    const position = error.token?.getPosition?.();
    const where = position ? enclosingTag(text, position[0], position[1]) : { column: 1, snippet: text };
    return { reason, problem: { ...where, expected: expectedFor(reason), reason } };
  }
}

/** Sets a variable that is missing to an empty text, so the render can go on past it. */
function standIn(scope: Record<string, unknown>, path: string[]): void {
  let cur = scope;
  path.forEach((key, i) => {
    if (i === path.length - 1) cur[key] = '';
    else {
      const next = cur[key];
      cur = (next !== null && typeof next === 'object' ? next : (cur[key] = {})) as Record<string, unknown>;
    }
  });
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
    return `a variable a message has ("${variable[1]}" is none of them; check its spelling): brand.name, customer.firstName, customer.email, customer.locale, firstPurchase.*, unsubscribeUrl, preferencesUrl, survey.links (emails only), event.* (journeys that start on a declared event)`;
  const filter = /^undefined filter: (.+)$/.exec(reason);
  if (filter)
    return `a Liquid filter ("${filter[1]}" is not one; check its spelling), e.g. default, upcase, capitalize, date`;
  return `valid Liquid (${reason.split(',')[0]})`;
}
