import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import * as z from 'zod';
import { ConfigValidationError, formatPath, type Problem } from '../errors';
import { experimentProblems } from './experiment-checks';
import { compileJourneyToString, type Calendar } from '../journey/compile';
import { Journey } from '../journey/schema';
import { graphStepsOf } from '../journey/skeleton';
import { longestWindowWaitSeconds } from './send-window';
import { durationSeconds } from './duration';
import { engagementUseProblems } from './engagement-checks';
import { journeyEventProblems, readableDeclarations, type EventCheckContext } from './event-checks';
import {
  asRecord,
  goalDeadPathWarnings,
  journeyGraphProblems,
  journeyReferenceProblems,
  lineColumn,
} from './journey-checks';
import type { GoalDeadPathContext } from '../journey/goal-dead-paths';
import { Lifecycle } from '../lifecycle/schema';
import { templateProblems } from '../messages/check-templates';
import { EmailLayout, MessageTemplate } from '../messages/template';
import { Settings } from './settings';
import { valueAt, zodProblems } from './problems';
import { parseYaml, type YamlSource } from './source';

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
  /** What `validate` points out without refusing the workflows, e.g. a branch path the goal rules out. */
  warnings: Problem[];
  /**
   * The longest a marketing send waits for its channel to open (settings.yaml open hours and closed days),
   * in seconds: journeys' worst cases count it, and so do exclusive groups' bounds at run time.
   */
  sendWindowSeconds?: number;
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
  const warnings: Problem[] = [];
  const read = workflowReader(problems);
  const settings = loadSettings(join(dir, 'settings.yaml'), read);
  const { lifecycle, stageIds, tierIds } = loadLifecycle(join(dir, 'lifecycle.yaml'), read);

  const locales = settings?.value?.locales ?? [];
  const brand = settings?.value?.brand ?? { name: 'Brand' };
  const { templates, layouts, broken } = loadTemplates(join(dir, 'templates'), read.parse, problems, brand);
  problems.push(...missingLayouts(dir, locales, layouts, broken, read.display));

  const calendar: Calendar = {
    holidays: settings?.value?.holidays ?? {},
    defaultTimeZone: settings?.value?.defaultTimeZone ?? 'UTC',
    occasionSpreadMs: settings?.value ? durationSeconds(settings.value.occasions.spread) * 1000 : 0,
  };
  const sendWindowSeconds = settings?.value ? longestWindowWaitSeconds(settings.value.pacing) : 0;
  const journeys = loadJourneys(join(dir, 'journeys'), read.parse, problems, warnings, {
    stageIds: stageIds.size ? stageIds : undefined,
    tierIds: tierIds.size ? tierIds : undefined,
    holidays: settings?.value ? Object.keys(settings.value.holidays) : undefined,
    topics: settings?.value?.topics,
    exclusiveGroups: settings?.value ? Object.keys(settings.value.exclusiveGroups) : undefined,
    templates,
    brokenTemplates: broken,
    locales,
    calendar,
    marketingPauseSeconds: durationSeconds(lifecycle?.value?.care.pauseMarketing ?? '30d'),
    sendWindowSeconds,
    stages: lifecycle?.value?.stages ?? [],
    futureSkewSeconds: durationSeconds(settings?.value?.events.maxFutureSkew ?? '1d'),
    customEvents: settings && (settings.value?.customEvents ?? readableDeclarations(settings.src.data)),
    brand,
  });

  if (problems.length || !settings?.value || !lifecycle?.value)
    throw new ConfigValidationError(`Invalid workflows in ${read.display(dir)}`, inFileOrder(problems));
  return {
    dir,
    settings: settings.value,
    calendar,
    lifecycle: lifecycle.value,
    journeys,
    templates,
    layouts,
    warnings,
    sendWindowSeconds,
  };
}

/** Reads the files of a workflows directory, collecting every problem they have into `problems`. */
interface Reader {
  problems: Problem[];
  /** A path as users see it: relative to the working directory. */
  display: (path: string) => string;
  parse: Parse;
  /** Whether the file exists; a problem when it does not. */
  required: (path: string) => boolean;
}

function workflowReader(problems: Problem[]): Reader {
  const display = (path: string) => relative(process.cwd(), path) || path;
  const parse = <S extends z.core.$ZodType>(path: string, schema: S): Parsed<z.infer<S>> => {
    const file = display(path);
    const src = parseYaml(file, readFileSync(path, 'utf8'));
    problems.push(...src.syntaxProblems);
    const result = z.safeParse(schema, src.data);
    if (result.success && !src.syntaxProblems.length) return { value: result.data, src };
    if (!result.success) problems.push(...fieldProblemsBesideSyntax(src, result.error));
    return { value: undefined, src };
  };
  const required = (path: string): boolean => {
    if (existsSync(path)) return true;
    problems.push({ source: display(path), field: '', expected: 'this file to exist' });
    return false;
  };
  return { problems, display, parse, required };
}

function loadSettings(path: string, read: Reader): Parsed<Settings> | undefined {
  const settings = read.required(path) ? read.parse(path, Settings) : undefined;
  if (settings?.value && !settings.value.locales.includes(settings.value.defaultLocale)) {
    const field = ['defaultLocale'];
    read.problems.push({
      source: settings.src.file,
      ...lineColumn(settings.src, field),
      field: formatPath(field),
      value: settings.value.defaultLocale,
      expected: `one of the locales: ${settings.value.locales.join(', ')}`,
    });
  }
  return settings;
}

function loadLifecycle(path: string, read: Reader) {
  const lifecycle = read.required(path) ? read.parse(path, Lifecycle) : undefined;
  // Stage and tier ids are read from the raw file too, so journeys are checked against them even if
  // lifecycle.yaml has unrelated problems; so are the ordering rules below.
  const rawRules = (key: 'stages' | 'tiers') => {
    const raw = asRecord(lifecycle?.src.data)?.[key];
    return (Array.isArray(raw) ? raw : []).map((s) => asRecord(s) ?? {});
  };
  const idsOf = (rules: Record<string, unknown>[]) =>
    new Set(rules.map((s) => s.id).filter((id): id is string => typeof id === 'string'));
  if (lifecycle) read.problems.push(...lifecycleRuleProblems(lifecycle.src, rawRules));
  return { lifecycle, stageIds: idsOf(rawRules('stages')), tierIds: idsOf(rawRules('tiers')) };
}

/** Every shipped locale needs its email frame (templates/_layout/<locale>.yaml). */
function missingLayouts(
  dir: string,
  locales: readonly string[],
  layouts: Record<string, EmailLayout>,
  broken: ReadonlySet<string>,
  display: (path: string) => string,
): Problem[] {
  return locales
    .filter((locale) => !layouts[locale] && !broken.has(`_layout/${locale}`))
    .map((locale) => ({
      source: display(join(dir, 'templates', '_layout', `${locale}.yaml`)),
      field: '',
      expected: `this file to exist: the email frame for shipped locale ${locale}`,
    }));
}

/** Problems by file, then line and column: the order they are read in. */
function inFileOrder(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.source ?? '').localeCompare(b.source ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** The order of lifecycle rules: ids used once, and a rule that matches everyone last. */
function lifecycleRuleProblems(
  src: YamlSource,
  rawRules: (key: 'stages' | 'tiers') => Record<string, unknown>[],
): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  for (const [key, noun] of [
    ['stages', 'stage'],
    ['tiers', 'tier'],
  ] as const) {
    const rules = rawRules(key);
    rules.forEach((s, i) => {
      if (typeof s.id === 'string' && rules.findIndex((o) => o.id === s.id) !== i)
        at([key, i, 'id'], s.id, `a ${noun} id used only once`);
    });
    // Rules are tried top to bottom: one that matches everyone must come last, and nothing may follow it.
    const catchAll = rules.findIndex((s) => Object.keys(asRecord(s.when) ?? { missing: true }).length === 0);
    if (catchAll === -1 && rules.length > 0) {
      const last = rules.length - 1;
      at(
        [key, last, 'when'],
        rules[last]?.when,
        `the last ${noun} to match everyone (\`when: {}\`), so that every customer has a ${noun}`,
      );
    }
    rules.forEach((s, i) => {
      if (catchAll !== -1 && i > catchAll)
        at(
          [key, i],
          s.id,
          `no ${noun} after "${String(rules[catchAll]?.id)}", which matches everyone (it could never apply)`,
        );
    });
  }
  return problems;
}

/** Reads and checks every journey: fields, references to other files, the step graph and its limits. */
function loadJourneys(
  journeysDir: string,
  parse: Parse,
  problems: Problem[],
  warnings: Problem[],
  ctx: Omit<Parameters<typeof journeyReferenceProblems>[1], 'expectedId' | 'takenIds'> &
    GoalDeadPathContext &
    Omit<EventCheckContext, 'templates'> & { calendar: Calendar },
): LoadedJourney[] {
  const journeys: LoadedJourney[] = [];
  for (const name of listDir(journeysDir).filter((n) => n.endsWith('.yaml'))) {
    const before = problems.length;
    const parsed = parse(join(journeysDir, name), Journey);
    // Cross-references are checked even when the schema check failed, on whatever parts are readable,
    // so that one run reports every problem; a field the schema already faulted is not reported twice.
    const faulted = new Set(problems.slice(before).map((p) => p.field));
    const references = journeyReferenceProblems(parsed.src, {
      expectedId: basename(name, '.yaml'),
      takenIds: journeys.map((j) => j.journey.id),
      ...ctx,
    });
    problems.push(
      ...besideSyntax(parsed.src, [...references, ...experimentProblems(parsed.src)]).filter(
        (p) => !faulted.has(p.field),
      ),
    );
    const events = [...journeyEventProblems(parsed.src, ctx), ...engagementUseProblems(parsed.src)];
    problems.push(...besideSyntax(parsed.src, events).filter((p) => !faulted.has(p.field)));
    // The graph checks need only where steps lead and how long they hold (GraphStep): they run despite
    // faults in other fields, but not after a syntax error among the steps, which changes the graph.
    const steps = mistakenWithin(parsed.src, ['steps']) ? undefined : graphStepsOf(parsed.src.data);
    if (steps) problems.push(...journeyGraphProblems(steps, parsed.src, ctx));
    if (parsed.value && problems.length === before) {
      warnings.push(...goalDeadPathWarnings(parsed.value, parsed.src, ctx));
      journeys.push({
        journey: parsed.value,
        file: parsed.src.file,
        asl: compileJourneyToString(parsed.value, ctx.calendar),
      });
    }
  }
  return journeys;
}

type Parse = <S extends z.core.$ZodType>(path: string, schema: S) => Parsed<z.infer<S>>;

/**
 * Reads every template and layout, rendering each strictly against a sample message. `broken` holds
 * `<id>/<locale>` of the files with problems, so journeys that use them are not faulted again for it.
 */
function loadTemplates(dir: string, parse: Parse, problems: Problem[], brand: { name: string }) {
  const layouts: Record<string, EmailLayout> = {};
  const templates: Record<string, Record<string, MessageTemplate>> = {};
  const broken = new Set<string>();
  for (const id of listDir(dir).filter((n) => statSync(join(dir, n)).isDirectory())) {
    for (const name of listDir(join(dir, id)).filter((n) => n.endsWith('.yaml'))) {
      const locale = basename(name, '.yaml');
      const before = problems.length;
      const layout = id === '_layout';
      const parsed = parse(join(dir, id, name), layout ? EmailLayout : MessageTemplate);
      const fields = asRecord(parsed.src.data) ?? {};
      const faulted = new Set(problems.slice(before).map((p) => p.field));
      const liquid = templateProblems(parsed.src, fields, layout ? 'layout' : 'template', brand);
      problems.push(...besideSyntax(parsed.src, liquid).filter((p) => !faulted.has(p.field)));
      if (problems.length > before) broken.add(`${id}/${locale}`);
      if (!parsed.value || problems.length > before) continue;
      if (layout) layouts[locale] = parsed.value as EmailLayout;
      else (templates[id] ??= {})[locale] = parsed.value as MessageTemplate;
    }
  }
  return { templates, layouts, broken };
}

/**
 * Field problems of a file, and if it has syntax errors only those the mistaken lines cannot explain:
 * they are read as empty, so a field missing for them or a rule about the mapping around them would
 * report the same mistake again. One mistake, one problem.
 */
function fieldProblemsBesideSyntax(src: YamlSource, error: z.ZodError): Problem[] {
  // A field missing for a mistaken line, or a rule about the mapping around it (all of subject, text
  // and html…), would report the same mistake again.
  const keep = (path: readonly PropertyKey[]) =>
    !mistakenWithin(src, path) &&
    !(valueAt(src.data, path) === undefined && mistakenWithin(src, path.slice(0, -1)));
  const where = { source: src.file, locate: src.locate, ...(src.syntaxProblems.length ? { keep } : {}) };
  return besideSyntax(src, zodProblems(error, src.data, where));
}

/** Whether a syntax error stands within the value at `path` (the whole file for the root). */
function mistakenWithin(src: YamlSource, path: readonly PropertyKey[]): boolean {
  const span = src.span(path);
  return (
    span !== undefined &&
    src.syntaxProblems.some((p) => p.line !== undefined && p.line >= span[0] && p.line <= span[1])
  );
}

/** Problems not on a line with a syntax error: there the syntax error is the one mistake to report. */
function besideSyntax(src: YamlSource, problems: Problem[]): Problem[] {
  const lines = new Set(src.syntaxProblems.map((p) => p.line));
  return problems.filter((p) => !lines.has(p.line));
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
