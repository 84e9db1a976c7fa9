import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Liquid } from 'liquidjs';
import type { z } from 'zod';
import { ConfigValidationError, formatPath, type Problem } from '../errors';
import { compileJourneyToString, type Calendar } from '../journey/compile';
import { Journey } from '../journey/schema';
import {
  longestPathSeconds,
  loopWithoutWait,
  MAX_WAIT_UNTIL_SECONDS,
  unreachableSteps,
} from '../journey/steps';
import { durationSeconds, MAX_DURATION_SECONDS } from './duration';
import { Lifecycle } from '../lifecycle/schema';
import { EmailLayout, hasEmail, MessageTemplate } from '../messages/template';
import { Settings } from './settings';
import { parseYaml, zodProblems, type YamlSource } from './source';

export interface LoadedJourney {
  journey: Journey;
  /** Path relative to the workflows directory's parent, as users see it: `workflows/journeys/x.yaml`. */
  file: string;
  /** The compiled ASL text: what CDK deploys and what the local runtime executes. */
  asl: string;
}

export interface Workflows {
  dir: string;
  settings: Settings;
  /** Holidays and the default time zone: what dated waits and date-triggered journeys are computed from. */
  calendar: Calendar;
  lifecycle: Lifecycle;
  journeys: LoadedJourney[];
  /** templates[templateId][locale] */
  templates: Record<string, Record<string, MessageTemplate>>;
  layouts: Record<string, EmailLayout>;
}

interface Parsed<T> {
  value: T | undefined;
  src: YamlSource;
}

/**
 * Reads and checks everything in a workflows directory. Every problem in every file is collected
 * before failing, so one run of `rapport validate` shows all there is to fix.
 */
export function loadWorkflows(dir: string): Workflows {
  const problems: Problem[] = [];
  const display = (path: string) => relative(process.cwd(), path) || path;

  const parse = <S extends z.ZodType>(path: string, schema: S): Parsed<z.infer<S>> => {
    const file = display(path);
    const src = parseYaml(file, readFileSync(path, 'utf8'));
    if (src.syntaxProblems.length) {
      problems.push(...src.syntaxProblems);
      return { value: undefined, src };
    }
    const result = schema.safeParse(src.data);
    if (!result.success) {
      problems.push(...zodProblems(result.error, src.data, { source: file, locate: src.locate }));
      return { value: undefined, src };
    }
    return { value: result.data, src };
  };
  const at = (src: YamlSource, path: PropertyKey[], value: unknown, expected: string): Problem => ({
    source: src.file,
    ...lineColumn(src, path),
    field: formatPath(path),
    value,
    expected,
  });
  const required = (path: string): boolean => {
    if (existsSync(path)) return true;
    problems.push({ source: display(path), field: '', expected: 'this file to exist' });
    return false;
  };

  const settingsPath = join(dir, 'settings.yaml');
  const settings = required(settingsPath) ? parse(settingsPath, Settings) : undefined;
  if (settings?.value && !settings.value.locales.includes(settings.value.defaultLocale)) {
    problems.push(
      at(
        settings.src,
        ['defaultLocale'],
        settings.value.defaultLocale,
        `one of the locales: ${settings.value.locales.join(', ')}`,
      ),
    );
  }

  const lifecyclePath = join(dir, 'lifecycle.yaml');
  const lifecycle = required(lifecyclePath) ? parse(lifecyclePath, Lifecycle) : undefined;
  // Stage and tier ids are read from the raw file too, so journeys are checked against them even if
  // lifecycle.yaml has unrelated problems; so are the ordering rules below.
  const rawRules = (key: 'stages' | 'tiers') => {
    const raw = asRecord(lifecycle?.src.data)?.[key];
    return (Array.isArray(raw) ? raw : []).map((s) => asRecord(s) ?? {});
  };
  const idsOf = (rules: Record<string, unknown>[]) =>
    new Set(rules.map((s) => s.id).filter((id): id is string => typeof id === 'string'));
  const stageIds = idsOf(rawRules('stages'));
  const tierIds = idsOf(rawRules('tiers'));
  if (lifecycle) {
    for (const [key, noun] of [
      ['stages', 'stage'],
      ['tiers', 'tier'],
    ] as const) {
      const rules = rawRules(key);
      rules.forEach((s, i) => {
        if (typeof s.id === 'string' && rules.findIndex((o) => o.id === s.id) !== i)
          problems.push(at(lifecycle.src, [key, i, 'id'], s.id, `a ${noun} id used only once`));
      });
      // Rules are tried top to bottom: one that matches everyone must come last, and nothing may follow it.
      const catchAll = rules.findIndex(
        (s) => Object.keys(asRecord(s.when) ?? { missing: true }).length === 0,
      );
      if (catchAll === -1 && rules.length > 0) {
        const last = rules.length - 1;
        problems.push(
          at(
            lifecycle.src,
            [key, last, 'when'],
            rules[last]?.when,
            `the last ${noun} to match everyone (\`when: {}\`), so that every customer has a ${noun}`,
          ),
        );
      }
      rules.forEach((s, i) => {
        if (catchAll !== -1 && i > catchAll)
          problems.push(
            at(
              lifecycle.src,
              [key, i],
              s.id,
              `no ${noun} after "${String(rules[catchAll]?.id)}", which matches everyone (it could never apply)`,
            ),
          );
      });
    }
  }

  const locales = settings?.value?.locales ?? [];
  const liquid = new Liquid();
  const checkLiquid = (src: YamlSource, record: Record<string, unknown>) => {
    for (const [field, text] of Object.entries(record)) {
      if (typeof text !== 'string') continue;
      try {
        liquid.parse(text);
      } catch (e) {
        problems.push(at(src, [field], text, `valid Liquid (${(e as Error).message.split(',')[0]})`));
      }
    }
  };

  const layouts: Record<string, EmailLayout> = {};
  const layoutFiles = new Set<string>();
  const templates: Record<string, Record<string, MessageTemplate>> = {};
  const templatesDir = join(dir, 'templates');
  for (const id of listDir(templatesDir).filter((n) => statSync(join(templatesDir, n)).isDirectory())) {
    for (const name of listDir(join(templatesDir, id)).filter((n) => n.endsWith('.yaml'))) {
      const locale = basename(name, '.yaml');
      const path = join(templatesDir, id, name);
      if (id === '_layout') {
        layoutFiles.add(locale);
        const parsed = parse(path, EmailLayout);
        if (parsed.value) {
          checkLiquid(parsed.src, parsed.value);
          layouts[locale] = parsed.value;
        }
      } else {
        const parsed = parse(path, MessageTemplate);
        if (parsed.value) {
          checkLiquid(parsed.src, parsed.value);
          (templates[id] ??= {})[locale] = parsed.value;
        }
      }
    }
  }
  for (const locale of locales) {
    if (!layoutFiles.has(locale))
      problems.push({
        source: display(join(templatesDir, '_layout', `${locale}.yaml`)),
        field: '',
        expected: `this file to exist: the email frame for shipped locale ${locale}`,
      });
  }

  const journeys: LoadedJourney[] = [];
  const calendar: Calendar = {
    holidays: settings?.value?.holidays ?? {},
    defaultTimeZone: settings?.value?.defaultTimeZone ?? 'UTC',
  };
  const journeysDir = join(dir, 'journeys');
  for (const name of listDir(journeysDir).filter((n) => n.endsWith('.yaml'))) {
    const before = problems.length;
    const parsed = parse(join(journeysDir, name), Journey);
    // Cross-references are checked even when the schema check failed, on whatever parts are readable,
    // so that one run reports every problem; a field the schema already faulted is not reported twice.
    const faulted = new Set(problems.slice(before).map((p) => p.field));
    const references = journeyReferenceProblems(parsed.src, {
      expectedId: basename(name, '.yaml'),
      takenIds: journeys.map((j) => j.journey.id),
      stageIds: stageIds.size ? stageIds : undefined,
      tierIds: tierIds.size ? tierIds : undefined,
      holidays: settings?.value ? Object.keys(settings.value.holidays) : undefined,
      topics: settings?.value?.topics,
      templates,
      locales,
    });
    problems.push(...references.filter((p) => !faulted.has(p.field)));
    if (parsed.value && problems.length === before)
      problems.push(...journeyGraphProblems(parsed.value, parsed.src));
    if (parsed.value && problems.length === before)
      journeys.push({
        journey: parsed.value,
        file: parsed.src.file,
        asl: compileJourneyToString(parsed.value, calendar),
      });
  }

  if (problems.length || !settings?.value || !lifecycle?.value) {
    const ordered = [...problems].sort(
      (a, b) =>
        (a.source ?? '').localeCompare(b.source ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
    throw new ConfigValidationError(`Invalid workflows in ${display(dir)}`, ordered);
  }
  return {
    dir,
    settings: settings.value,
    calendar,
    lifecycle: lifecycle.value,
    journeys,
    templates,
    layouts,
  };
}

/** Checks a journey's references to other files (stages, templates, locales) and its step graph. */
function journeyReferenceProblems(
  src: YamlSource,
  ctx: {
    expectedId: string;
    takenIds: readonly string[];
    stageIds: ReadonlySet<string> | undefined;
    tierIds: ReadonlySet<string> | undefined;
    holidays: readonly string[] | undefined;
    topics: readonly string[] | undefined;
    templates: Workflows['templates'];
    locales: readonly string[];
  },
): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  const j = asRecord(src.data);
  if (!j) return problems;

  if (typeof j.id === 'string') {
    if (j.id !== ctx.expectedId) at(['id'], j.id, `"${ctx.expectedId}", the file's name`);
    else if (ctx.takenIds.includes(j.id)) at(['id'], j.id, 'a journey id used only once');
  }
  const entry = asRecord(j.entry);
  if (entry && typeof entry.stage === 'string' && ctx.stageIds && !ctx.stageIds.has(entry.stage))
    at(['entry', 'stage'], entry.stage, `a lifecycle stage: ${[...ctx.stageIds].join(', ')}`);
  if (entry && typeof entry.tier === 'string' && ctx.tierIds && !ctx.tierIds.has(entry.tier))
    at(['entry', 'tier'], entry.tier, `a customer tier: ${[...ctx.tierIds].join(', ')}`);
  // Stages and tiers a condition names must exist: a typo would silently match no one.
  const knownClasses = (condition: unknown, path: PropertyKey[]) => {
    const c = asRecord(condition);
    for (const [field, ids, what] of [
      ['stage', ctx.stageIds, 'a lifecycle stage'],
      ['tier', ctx.tierIds, 'a customer tier'],
    ] as const) {
      const values = c?.[field];
      [values ?? []].flat().forEach((value: unknown, k) => {
        if (typeof value === 'string' && ids && !ids.has(value))
          at(
            [...path, field, ...(Array.isArray(values) ? [k] : [])],
            value,
            `${what}: ${[...ids].join(', ')}`,
          );
      });
    }
  };
  knownClasses(entry?.where, ['entry', 'where']);
  const knownHolidays = (holidays: unknown, path: PropertyKey[]) => {
    [holidays ?? []].flat().forEach((holiday: unknown, k) => {
      if (typeof holiday === 'string' && ctx.holidays && !ctx.holidays.includes(holiday))
        at(
          [...path, ...(Array.isArray(holidays) ? [k] : [])],
          holiday,
          `a holiday listed in settings.yaml: ${ctx.holidays.join(', ') || '(none yet)'}`,
        );
    });
  };
  knownHolidays(asRecord(entry?.date)?.holiday, ['entry', 'date', 'holiday']);

  const steps = Array.isArray(j.steps) ? j.steps.map(asRecord) : [];
  const seen = new Set<unknown>();
  steps.forEach((step, i) => {
    if (!step) return;
    if (typeof step.id === 'string') {
      if (seen.has(step.id)) at(['steps', i, 'id'], step.id, 'a step id used only once in this journey');
      seen.add(step.id);
    }
    const ids = steps.map((st) => st?.id).filter((id): id is string => typeof id === 'string');
    const known = (target: unknown, path: PropertyKey[]) => {
      if (typeof target === 'string' && !ids.includes(target))
        at(path, target, `the id of a step in this journey: ${ids.join(', ')}`);
    };
    known(step.next, ['steps', i, 'next']);
    if (step.type === 'branch') known(step.default, ['steps', i, 'default']);
    knownHolidays(asRecord(step.until)?.holiday, ['steps', i, 'until', 'holiday']);
    if (Array.isArray(step.paths)) {
      const names = new Set<unknown>();
      step.paths.forEach((raw, j) => {
        const path = asRecord(raw);
        known(path?.next, ['steps', i, 'paths', j, 'next']);
        if (step.type === 'branch') knownClasses(path?.when, ['steps', i, 'paths', j, 'when']);
        if (path && names.has(path.name))
          at(['steps', i, 'paths', j, 'name'], path.name, 'a path name used only once in this step');
        names.add(path?.name);
      });
    }
    if (step.type === 'send' && typeof step.template === 'string') {
      const byLocale = ctx.templates[step.template];
      const known = Object.keys(ctx.templates).join(', ') || 'none';
      if (!byLocale)
        at(
          ['steps', i, 'template'],
          step.template,
          `a template folder workflows/templates/${step.template}/ (known: ${known})`,
        );
      else
        for (const locale of ctx.locales) {
          const tpl = byLocale[locale];
          const file = `workflows/templates/${step.template}/${locale}.yaml`;
          if (!tpl) at(['steps', i, 'template'], step.template, `a ${locale} version: ${file}`);
          else if (step.channel !== 'sms' && !hasEmail(tpl))
            at(['steps', i, 'template'], step.template, `an email (subject, text, html) in ${file}`);
          else if (step.channel !== 'email' && tpl.sms === undefined)
            at(['steps', i, 'template'], step.template, `an sms text in ${file}`);
        }
    }
    if (
      step.type === 'send' &&
      typeof step.topic === 'string' &&
      ctx.topics &&
      !ctx.topics.includes(step.topic)
    )
      at(['steps', i, 'topic'], step.topic, `a topic listed in settings.yaml: ${ctx.topics.join(', ')}`);
  });
  return problems;
}

/** Checks of the step graph: every step reachable, and no loop a customer could go round without a wait. */
function journeyGraphProblems(journey: Journey, src: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const index = (id: string) => journey.steps.findIndex((s) => s.id === id);
  for (const id of unreachableSteps(journey)) {
    const path = ['steps', index(id)];
    problems.push({
      source: src.file,
      ...lineColumn(src, path),
      field: formatPath(path),
      value: id,
      expected:
        'a step that some path leads to (nothing leads here, so it could never run): remove it, or point a `next` at it',
    });
  }
  const longest = longestPathSeconds(journey, (step) =>
    step.type === 'wait'
      ? step.duration !== undefined
        ? durationSeconds(step.duration)
        : Math.min(MAX_WAIT_UNTIL_SECONDS, step.until?.within ? durationSeconds(step.until.within) : Infinity)
      : step.type === 'wait-for-event'
        ? durationSeconds(step.timeout)
        : 0,
  );
  if (longest.seconds > MAX_DURATION_SECONDS) {
    problems.push({
      source: src.file,
      ...lineColumn(src, ['steps']),
      field: 'steps',
      value: `${longest.path.join(' → ')} (up to ${Math.ceil(longest.seconds / 86_400)} days)`,
      expected:
        'a journey no customer can spend more than 365 days in (Step Functions ends an execution after a year; a wait-until counts as up to 350 days): shorten the waits, or split the journey',
    });
  }
  const loop = loopWithoutWait(journey);
  if (loop) {
    const path = ['steps', index(loop[0]!)];
    problems.push({
      source: src.file,
      ...lineColumn(src, path),
      field: formatPath(path),
      value: loop.join(' → '),
      expected:
        'a `wait` step somewhere in this loop: without one a customer would go round it without pause',
    });
  }
  return problems;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function lineColumn(src: YamlSource, path: PropertyKey[]) {
  const pos = src.locate(path);
  return pos ? { line: pos.line, column: pos.column } : {};
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
