import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Liquid } from 'liquidjs';
import type { z } from 'zod';
import { ConfigValidationError, formatPath, type Problem } from '../errors';
import { compileJourneyToString } from '../journey/compile';
import { Journey } from '../journey/schema';
import { Lifecycle } from '../lifecycle/schema';
import { EmailLayout, EmailTemplate } from '../messages/template';
import { FILTERABLE_FIELDS } from '../profile/profile';
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
  lifecycle: Lifecycle;
  journeys: LoadedJourney[];
  /** templates[templateId][locale] */
  templates: Record<string, Record<string, EmailTemplate>>;
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
      at(settings.src, ['defaultLocale'], settings.value.defaultLocale, `one of the locales: ${settings.value.locales.join(', ')}`),
    );
  }

  const lifecyclePath = join(dir, 'lifecycle.yaml');
  const lifecycle = required(lifecyclePath) ? parse(lifecyclePath, Lifecycle) : undefined;
  const stageIds = new Set(lifecycle?.value?.stages.map((s) => s.id) ?? []);
  if (lifecycle?.value) {
    const lc = lifecycle.value;
    const known = `one of the stages: ${[...stageIds].join(', ')}`;
    lc.stages.forEach((s, i) => {
      if (lc.stages.findIndex((o) => o.id === s.id) !== i)
        problems.push(at(lifecycle.src, ['stages', i, 'id'], s.id, 'a stage id used only once'));
    });
    if (!stageIds.has(lc.initialStage)) problems.push(at(lifecycle.src, ['initialStage'], lc.initialStage, known));
    lc.transitions.forEach((t, i) => {
      t.from.forEach((f, j) => {
        if (!stageIds.has(f)) problems.push(at(lifecycle.src, ['transitions', i, 'from', j], f, known));
      });
      if (!stageIds.has(t.to)) problems.push(at(lifecycle.src, ['transitions', i, 'to'], t.to, known));
    });
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
  const templates: Record<string, Record<string, EmailTemplate>> = {};
  const templatesDir = join(dir, 'templates');
  for (const id of listDir(templatesDir).filter((n) => statSync(join(templatesDir, n)).isDirectory())) {
    for (const name of listDir(join(templatesDir, id)).filter((n) => n.endsWith('.yaml'))) {
      const locale = basename(name, '.yaml');
      const path = join(templatesDir, id, name);
      if (id === '_layout') {
        const parsed = parse(path, EmailLayout);
        if (parsed.value) {
          checkLiquid(parsed.src, parsed.value);
          layouts[locale] = parsed.value;
        }
      } else {
        const parsed = parse(path, EmailTemplate);
        if (parsed.value) {
          checkLiquid(parsed.src, parsed.value);
          (templates[id] ??= {})[locale] = parsed.value;
        }
      }
    }
  }
  for (const locale of locales) {
    if (!layouts[locale])
      problems.push({ source: display(join(templatesDir, '_layout', `${locale}.yaml`)), field: '', expected: `this file to exist: the email frame for shipped locale ${locale}` });
  }

  const journeys: LoadedJourney[] = [];
  const journeysDir = join(dir, 'journeys');
  for (const name of listDir(journeysDir).filter((n) => n.endsWith('.yaml'))) {
    const parsed = parse(join(journeysDir, name), Journey);
    const j = parsed.value;
    if (!j) continue;
    const before = problems.length;
    const expectedId = basename(name, '.yaml');
    if (j.id !== expectedId) problems.push(at(parsed.src, ['id'], j.id, `"${expectedId}", the file's name`));
    if (journeys.some((o) => o.journey.id === j.id)) problems.push(at(parsed.src, ['id'], j.id, 'a journey id used only once'));
    if (j.entry.stage !== undefined && lifecycle?.value && !stageIds.has(j.entry.stage))
      problems.push(at(parsed.src, ['entry', 'stage'], j.entry.stage, `a lifecycle stage: ${[...stageIds].join(', ')}`));
    for (const key of Object.keys(j.entry.where ?? {})) {
      if (!(FILTERABLE_FIELDS as readonly string[]).includes(key))
        problems.push(at(parsed.src, ['entry', 'where', key], key, `a profile field: ${FILTERABLE_FIELDS.join(', ')}`));
    }
    j.steps.forEach((step, i) => {
      if (j.steps.findIndex((s) => s.id === step.id) !== i)
        problems.push(at(parsed.src, ['steps', i, 'id'], step.id, 'a step id used only once in this journey'));
      const previous = j.steps[i - 1];
      if (previous?.type === 'exit')
        problems.push(at(parsed.src, ['steps', i], step.id, `no step after exit step "${previous.id}" (it can never run)`));
      if (step.type === 'send') {
        const byLocale = templates[step.template];
        if (!byLocale) {
          problems.push(
            at(parsed.src, ['steps', i, 'template'], step.template, `a template folder workflows/templates/${step.template}/ (known: ${Object.keys(templates).join(', ') || 'none'})`),
          );
        } else {
          for (const locale of locales) {
            if (!byLocale[locale])
              problems.push(at(parsed.src, ['steps', i, 'template'], step.template, `a ${locale} version: workflows/templates/${step.template}/${locale}.yaml`));
          }
        }
      }
    });
    if (problems.length === before) journeys.push({ journey: j, file: parsed.src.file, asl: compileJourneyToString(j) });
  }

  if (problems.length || !settings?.value || !lifecycle?.value) {
    throw new ConfigValidationError(`Invalid workflows in ${display(dir)}`, problems);
  }
  return { dir, settings: settings.value, lifecycle: lifecycle.value, journeys, templates, layouts };
}

function lineColumn(src: YamlSource, path: PropertyKey[]) {
  const pos = src.locate(path);
  return pos ? { line: pos.line, column: pos.column } : {};
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
