import { assertNever } from '../assert-never';
import { formatPath, type Problem } from '../errors';
import {
  estimateJourney,
  MAX_EXECUTION_SECONDS,
  MAX_HISTORY_EVENTS,
  sendsReachableFrom,
  type LimitContext,
} from '../journey/limits';
import { goalDeadPaths, type GoalDeadPath, type GoalDeadPathContext } from '../journey/goal-dead-paths';
import type { Journey } from '../journey/schema';
import type { GraphStep } from '../journey/skeleton';
import { loopWithoutWait, unreachableSteps } from '../journey/steps';
import { hasEmail } from '../messages/template';
import { engagementWaitProblems } from './engagement-checks';
import type { Workflows } from './load';
import type { YamlSource } from './source';

type ReferenceContext = {
  expectedId: string;
  takenIds: readonly string[];
  stageIds: ReadonlySet<string> | undefined;
  tierIds: ReadonlySet<string> | undefined;
  holidays: readonly string[] | undefined;
  topics: readonly string[] | undefined;
  /** The groups settings.yaml declares in `exclusiveGroups`. */
  exclusiveGroups: readonly string[] | undefined;
  templates: Workflows['templates'];
  /** `<template>/<locale>` files with problems of their own: not faulted again here. */
  brokenTemplates?: ReadonlySet<string>;
  locales: readonly string[];
};

/** Records one problem at a path of the journey's YAML. */
type Report = (path: PropertyKey[], value: unknown, expected: string) => void;

type RawStep = Record<string, unknown> | undefined;

/** Checks a journey's references to other files (stages, templates, locales) and its step graph. */
export function journeyReferenceProblems(src: YamlSource, ctx: ReferenceContext): Problem[] {
  const problems: Problem[] = [];
  const at: Report = (path, value, expected) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  const j = asRecord(src.data);
  if (!j) return problems;
  journeyHeadProblems(j, ctx, at);
  const steps: RawStep[] = Array.isArray(j.steps) ? j.steps.map(asRecord) : [];
  const ids = steps.map((st) => st?.id).filter((id): id is string => typeof id === 'string');
  const seen = new Set<unknown>();
  steps.forEach((step, i) => {
    if (!step) return;
    if (typeof step.id === 'string') {
      if (seen.has(step.id)) at(['steps', i, 'id'], step.id, 'a step id used only once in this journey');
      seen.add(step.id);
    }
    stepReferenceProblems(step, i, ids, ctx, at);
  });
  return problems;
}

/** The journey's own fields: its id, exclusive group and entry. */
function journeyHeadProblems(j: Record<string, unknown>, ctx: ReferenceContext, at: Report): void {
  if (typeof j.id === 'string') {
    if (j.id !== ctx.expectedId) at(['id'], j.id, `"${ctx.expectedId}", the file's name`);
    else if (ctx.takenIds.includes(j.id)) at(['id'], j.id, 'a journey id used only once');
  }
  if (typeof j.exclusive === 'string' && ctx.exclusiveGroups && !ctx.exclusiveGroups.includes(j.exclusive))
    at(
      ['exclusive'],
      j.exclusive,
      `a group declared in settings.yaml exclusiveGroups: ${ctx.exclusiveGroups.join(', ') || '(none yet: declare it there)'}`,
    );
  const entry = asRecord(j.entry);
  if (entry && typeof entry.stage === 'string' && ctx.stageIds && !ctx.stageIds.has(entry.stage))
    at(['entry', 'stage'], entry.stage, `a lifecycle stage: ${[...ctx.stageIds].join(', ')}`);
  if (entry && typeof entry.tier === 'string' && ctx.tierIds && !ctx.tierIds.has(entry.tier))
    at(['entry', 'tier'], entry.tier, `a customer tier: ${[...ctx.tierIds].join(', ')}`);
  knownClasses(entry?.where, ['entry', 'where'], ctx, at);
  knownHolidays(asRecord(entry?.date)?.holiday, ['entry', 'date', 'holiday'], ctx, at);
}

// Stages and tiers a condition names must exist: a typo would silently match no one.
function knownClasses(condition: unknown, path: PropertyKey[], ctx: ReferenceContext, at: Report): void {
  const c = asRecord(condition);
  for (const [field, ids, what] of [
    ['stage', ctx.stageIds, 'a lifecycle stage'],
    ['tier', ctx.tierIds, 'a customer tier'],
  ] as const) {
    const values = c?.[field];
    [values ?? []].flat().forEach((value: unknown, k) => {
      if (typeof value === 'string' && ids && !ids.has(value))
        at([...path, field, ...(Array.isArray(values) ? [k] : [])], value, `${what}: ${[...ids].join(', ')}`);
    });
  }
}

function knownHolidays(holidays: unknown, path: PropertyKey[], ctx: ReferenceContext, at: Report): void {
  [holidays ?? []].flat().forEach((holiday: unknown, k) => {
    if (typeof holiday === 'string' && ctx.holidays && !ctx.holidays.includes(holiday))
      at(
        [...path, ...(Array.isArray(holidays) ? [k] : [])],
        holiday,
        `a holiday listed in settings.yaml: ${ctx.holidays.join(', ') || '(none yet)'}`,
      );
  });
}

/** One step's references: the steps it leads to, its paths, holidays, template and topic. */
function stepReferenceProblems(
  step: Record<string, unknown>,
  i: number,
  ids: readonly string[],
  ctx: ReferenceContext,
  at: Report,
): void {
  const known = (target: unknown, path: PropertyKey[]) => {
    if (typeof target === 'string' && !ids.includes(target))
      at(path, target, `the id of a step in this journey: ${ids.join(', ')}`);
  };
  known(step.next, ['steps', i, 'next']);
  if (step.type === 'branch') known(step.default, ['steps', i, 'default']);
  knownHolidays(asRecord(step.until)?.holiday, ['steps', i, 'until', 'holiday'], ctx, at);
  if (Array.isArray(step.paths)) {
    const names = new Set<unknown>();
    step.paths.forEach((raw, j) => {
      const path = asRecord(raw);
      known(path?.next, ['steps', i, 'paths', j, 'next']);
      if (step.type === 'branch') knownClasses(path?.when, ['steps', i, 'paths', j, 'when'], ctx, at);
      if (path && names.has(path.name))
        at(['steps', i, 'paths', j, 'name'], path.name, 'a path name used only once in this step');
      names.add(path?.name);
    });
  }
  if (step.type === 'send' && typeof step.template === 'string')
    sendTemplateProblems(step.template, step.channel, i, ctx, at);
  if (
    step.type === 'send' &&
    typeof step.topic === 'string' &&
    ctx.topics &&
    !ctx.topics.includes(step.topic)
  )
    at(['steps', i, 'topic'], step.topic, `a topic listed in settings.yaml: ${ctx.topics.join(', ')}`);
}

/** A send's template must exist in every locale, with the channel the send uses. */
function sendTemplateProblems(
  template: string,
  channel: unknown,
  i: number,
  ctx: ReferenceContext,
  at: Report,
): void {
  const byLocale = ctx.templates[template];
  const known = Object.keys(ctx.templates).join(', ') || 'none';
  const anyBroken = ctx.locales.some((l) => ctx.brokenTemplates?.has(`${template}/${l}`));
  if (!byLocale && !anyBroken)
    at(
      ['steps', i, 'template'],
      template,
      `a template folder workflows/templates/${template}/ (known: ${known})`,
    );
  else if (byLocale)
    for (const locale of ctx.locales) {
      const tpl = byLocale[locale];
      const file = `workflows/templates/${template}/${locale}.yaml`;
      if (ctx.brokenTemplates?.has(`${template}/${locale}`)) continue;
      if (!tpl) at(['steps', i, 'template'], template, `a ${locale} version: ${file}`);
      else if (channel !== 'sms' && !hasEmail(tpl))
        at(['steps', i, 'template'], template, `an email (subject, text, html) in ${file}`);
      else if (channel !== 'email' && tpl.sms === undefined)
        at(['steps', i, 'template'], template, `an sms text in ${file}`);
    }
}

/**
 * Checks of the step graph: every step reachable, no loop without a wait, no send after a holdout, and
 * Step Functions' limits (a year, 25,000 history events) never reached. They read only the graph fields
 * (see GraphStep), so they run even when other fields of the journey are faulty.
 */
export function journeyGraphProblems(
  steps: readonly GraphStep[],
  src: YamlSource,
  ctx: LimitContext,
): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  const index = (id: string) => steps.findIndex((s) => s.id === id);
  const journey = { steps };
  for (const id of unreachableSteps(journey))
    at(
      ['steps', index(id)],
      id,
      'a step that some path leads to (nothing leads here, so it could never run): remove it, or point a `next` at it',
    );
  const loop = loopWithoutWait(journey);
  if (loop)
    at(
      ['steps', index(loop[0]!)],
      loop.join(' → '),
      'a `wait` step somewhere in this loop: without one a customer would go round it without pause',
    );
  problems.push(...holdoutProblems(steps, src), ...engagementWaitProblems(steps, src));
  // A loop without a wait is refused above already: one mistake, one problem.
  if (!loop) problems.push(...limitProblems(steps, src, ctx));
  return problems;
}

function limitProblems(steps: readonly GraphStep[], src: YamlSource, ctx: LimitContext): Problem[] {
  const estimate = estimateJourney({ steps }, ctx);
  const days = (s: number) => `${Math.ceil(s / 86_400)} day${Math.ceil(s / 86_400) === 1 ? '' : 's'}`;
  const where = (path: string[]) => [
    'steps',
    Math.max(
      0,
      steps.findIndex((s) => s.id === path[0]),
    ),
  ];
  const problem = (path: string[], value: string, expected: string): Problem => ({
    source: src.file,
    ...lineColumn(src, where(path)),
    field: formatPath(where(path)),
    value,
    expected,
  });
  const limits = 'Step Functions ends an execution after a year or 25,000 history events';
  if (estimate.unbounded)
    return [
      problem(
        estimate.path,
        `loop ${[...estimate.path, estimate.path[0]].join(' → ')} (each round up to ${days(estimate.seconds)} and ~${estimate.events} history events)`,
        `a journey without loops: nothing bounds how often a customer goes round, and ${limits}; write the rounds out one after another, or end the journey and let a later one pick the customer up`,
      ),
    ];
  const problems: Problem[] = [];
  if (estimate.seconds > MAX_EXECUTION_SECONDS)
    problems.push(
      problem(
        estimate.path,
        `${estimate.path.join(' → ')} (up to ${days(estimate.seconds)})`,
        `a journey no customer can spend more than 365 days in (${limits}; a wait for a holiday or an anniversary counts as up to 350 days, a send as up to two days, quiet hours and a day of provider throttling, a marketing one the care pause and the longest wait for its channel to open (settings.yaml pacing.openHours, closedDays) more): shorten the waits, or split the journey`,
      ),
    );
  if (estimate.events > MAX_HISTORY_EVENTS)
    problems.push(
      problem(
        estimate.eventsPath,
        `${estimate.eventsPath.length} steps, ${estimate.eventsPath.join(' → ')} (up to ~${estimate.events} history events)`,
        `a journey of at most ${MAX_HISTORY_EVENTS} history events (${limits}; each step writes 2 to ~52 with its retries, a send up to ~2,000 while the provider throttles it for a day): split the journey`,
      ),
    );
  return problems;
}

/** A holdout is the control group: it gets nothing, so no send may follow it, directly or later. */
function holdoutProblems(steps: readonly GraphStep[], src: YamlSource): Problem[] {
  const problems: Problem[] = [];
  steps.forEach((step, i) => {
    if (step.type !== 'split') return;
    step.paths.forEach((p, j) => {
      if (p.holdout !== true) return;
      for (const route of sendsReachableFrom({ steps }, p.next)) {
        const path = ['steps', i, 'paths', j, 'holdout'];
        problems.push({
          source: src.file,
          ...lineColumn(src, path),
          field: formatPath(path),
          value: `holdout path "${String(p.name)}" of split "${step.id}" reaches send "${route.at(-1)}" (${[step.id, ...route].join(' → ')})`,
          expected:
            'a holdout path that sends nothing (a holdout is the control group: it is measured, never messaged): lead it to an exit or to steps without a send, or remove `holdout: true`',
        });
      }
    });
  });
  return problems;
}

/** Ways on that the journey's goal leaves no one to take (see goalDeadPaths). */
export function goalDeadPathWarnings(journey: Journey, src: YamlSource, ctx: GoalDeadPathContext): Problem[] {
  return goalDeadPaths(journey, ctx).map((d) => {
    const [path, value, expected] = deadPathText(d, journey.goal?.within ?? '');
    return {
      source: src.file,
      ...lineColumn(src, path),
      field: formatPath(path),
      value,
      expected: `${expected}: remove it (it costs every customer its state transitions), or test something else`,
    };
  });
}

/** Where a dead way on is in the YAML, what it says, and why no one takes it. */
function deadPathText(d: GoalDeadPath, within: string): [(string | number)[], string, string] {
  const days = `at most ${Math.ceil(d.latestSeconds / 86_400)} days after the entry`;
  switch (d.kind) {
    case 'branch':
      return [
        ['steps', d.step, 'paths', d.path, 'when', 'purchaseCount', 'min'],
        `path "${d.name}" of branch "${d.stepId}" asks for ${d.min} or more purchases`,
        `a condition that can hold here: a customer enters with at most ${d.entryMax} purchase${d.entryMax === 1 ? '' : 's'}, ` +
          `and any purchase from then until this step (${days}, within the goal's ${within}) ends the ` +
          'journey as its goal, so only a purchase dated before the entry that arrives late could take this path',
      ];
    case 'wait-for-event':
      return [
        ['steps', d.step, 'onEvent'],
        `onEvent of "${d.stepId}"`,
        `a way on that can be taken: this wait (reached ${days}) ends within the goal's ${within}, and ` +
          "the goal's event ends the journey before it could resume the wait",
      ];
    default:
      return assertNever(d);
  }
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

export function lineColumn(src: YamlSource, path: PropertyKey[]) {
  const pos = src.locate(path);
  return pos ? { line: pos.line, column: pos.column } : {};
}
