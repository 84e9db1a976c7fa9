import { formatPath, type Problem } from '../errors';
import {
  CustomEventDeclaration,
  CustomEventName,
  declarationOf,
  isCustomType,
  type CustomEvents,
  type PropertyDeclaration,
} from '../events/custom';
import { EVENT_TYPES } from '../events/types';
import { eventVariableProblems } from '../messages/check-templates';
import type { EventProperties } from '../messages/render';
import type { MessageTemplate } from '../messages/template';
import { eventConditionProblems } from './event-condition-checks';
import { asRecord, lineColumn } from './journey-checks';
import type { YamlSource } from './source';

export interface EventCheckContext {
  /** settings.yaml `customEvents`; undefined when settings.yaml could not be read (nothing is checked then). */
  customEvents: CustomEvents | undefined;
  templates: Record<string, Record<string, MessageTemplate>>;
  brand: { name: string };
}

/**
 * What `event.*` holds in a journey's templates: the properties its entry event may share (declared, not
 * personal data), as sample values; undefined for a journey that does not start on a declared event. A
 * journey that starts on several types gets the properties they all share (a built-in type shares none).
 */
export function entryEventSample(
  entryEvent: unknown,
  customEvents: CustomEvents,
): EventProperties | undefined {
  const types = [entryEvent ?? []].flat().filter((t): t is string => typeof t === 'string');
  if (!types.some(isCustomType)) return undefined;
  const shared = types.map((t) =>
    Object.entries(declarationOf(customEvents, t)?.properties ?? {})
      .filter(([, p]) => !p.personal)
      .map(([name, p]) => [name, sampleValue(name, p)] as const),
  );
  const [first = [], ...rest] = shared;
  return Object.fromEntries(first.filter(([name]) => rest.every((r) => r.some(([n]) => n === name))));
}

/** What a preview shows for a property (`[productName]`), and what validate renders with. */
function sampleValue(name: string, p: PropertyDeclaration): string | number | boolean {
  return { string: `[${name}]`, number: 1, boolean: true, date: '2026-01-01T00:00:00Z' }[p.type];
}

/**
 * A journey's events against the project's declarations: every event type it names is built in or
 * declared; a `lastEvent` condition tests declared, shareable properties of its type, an `event` condition
 * those of its entry event (event-condition-checks.ts); and each template
 * a send step uses reads only the `event.*` properties this journey's executions carry.
 */
export function journeyEventProblems(src: YamlSource, ctx: EventCheckContext): Problem[] {
  const problems: Problem[] = [];
  const j = asRecord(src.data);
  const events = ctx.customEvents;
  if (!j || !events) return problems;
  const at = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  const known = (type: unknown, path: PropertyKey[]) => {
    if (undeclared(type, events)) at(path, type, knownTypes(events));
  };
  const entry = asRecord(j.entry);
  const entryEvent = entry?.event;
  [entryEvent ?? []]
    .flat()
    .forEach((t: unknown, k) => known(t, ['entry', 'event', ...(Array.isArray(entryEvent) ? [k] : [])]));
  known(asRecord(j.goal)?.event, ['goal', 'event']);
  lastEventProblems(entry?.where, ['entry', 'where'], events, at, known);
  eventConditionProblems(entry?.where, ['entry', 'where'], entryEvent, events, at);
  const steps = Array.isArray(j.steps) ? j.steps.map(asRecord) : [];
  const sample = entryEventSample(entryEvent, events);
  // An entry type that is not declared is the one mistake to report: its properties are unknown.
  const undeclaredEntry = [entryEvent ?? []].flat().some((t: unknown) => undeclared(t, events));
  steps.forEach((step, i) => {
    if (step?.type === 'wait-for-event') known(step.event, ['steps', i, 'event']);
    if (step?.type === 'branch' && Array.isArray(step.paths))
      step.paths.forEach((p, k) => {
        const when = asRecord(p)?.when;
        lastEventProblems(when, ['steps', i, 'paths', k, 'when'], events, at, known);
        eventConditionProblems(when, ['steps', i, 'paths', k, 'when'], entryEvent, events, at);
      });
    if (step?.type !== 'send' || typeof step.template !== 'string' || undeclaredEntry) return;
    // One problem per variable and step, at the first place it is read: the same mistake in every
    // locale and part of the template is one thing to fix.
    const seen = new Set<string>();
    for (const [locale, tpl] of Object.entries(ctx.templates[step.template] ?? {}))
      for (const p of eventVariableProblems(tpl, ctx.brand, sample)) {
        if (seen.has(p.variable)) continue;
        seen.add(p.variable);
        at(
          ['steps', i, 'template'],
          step.template,
          `${eventExpected(p.variable, entryEvent, sample, events)} (workflows/templates/${step.template}/${locale}.yaml, ${p.field}: ${p.snippet})`,
        );
      }
  });
  return problems;
}

type At = (path: PropertyKey[], value: unknown, expected: string) => void;

/** `lastEvent: { type, properties }`: each property declared for the type, not personal, of its type. */
function lastEventProblems(
  condition: unknown,
  path: PropertyKey[],
  events: CustomEvents,
  at: At,
  known: (type: unknown, path: PropertyKey[]) => void,
): void {
  const last = asRecord(condition)?.lastEvent;
  if (typeof last === 'string') return known(last, [...path, 'lastEvent']);
  const wanted = asRecord(last);
  if (!wanted) return;
  known(wanted.type, [...path, 'lastEvent', 'type']);
  const type = typeof wanted.type === 'string' ? wanted.type : '';
  // An undeclared type is the one mistake to report; a built-in event carries no properties.
  if (undeclared(type, events)) return;
  const declared = declarationOf(events, type)?.properties;
  if (!declared && wanted.properties !== undefined)
    return at(
      [...path, 'lastEvent', 'properties'],
      wanted.properties,
      `no properties for ${type}: only events declared in settings.yaml customEvents carry them`,
    );
  for (const [name, value] of Object.entries(asRecord(wanted.properties) ?? {})) {
    const where = [...path, 'lastEvent', 'properties', name];
    const p = declared && Object.hasOwn(declared, name) ? declared[name] : undefined;
    const shareable = Object.entries(declared ?? {}).filter(([, d]) => !d.personal);
    if (!p || p.personal)
      at(
        where,
        name,
        `${p ? `not "${name}": it is personal data, which no journey reads; ` : ''}a property of ${type || 'the event'} that is not personal data: ${shareable.map(([n]) => n).join(', ') || '(none declared)'}`,
      );
    else if (typeof value !== (p.type === 'date' ? 'string' : p.type))
      at(where, value, `a ${p.type === 'date' ? 'date (ISO 8601 text)' : p.type}, as ${name} is declared`);
  }
}

/**
 * The declarations that are valid in a settings.yaml with problems, so that journeys are still checked
 * against them in the same run (a declaration with a problem of its own is left out).
 */
export function readableDeclarations(settings: unknown): CustomEvents {
  const raw = asRecord(asRecord(settings)?.customEvents) ?? {};
  return Object.fromEntries(
    Object.entries(raw).flatMap(([name, declaration]) => {
      const parsed = CustomEventDeclaration.safeParse(declaration);
      return CustomEventName.safeParse(name).success && parsed.success ? [[name, parsed.data]] : [];
    }),
  );
}

/** A type that is neither built in nor declared. */
function undeclared(type: unknown, events: CustomEvents): boolean {
  return typeof type === 'string' && isCustomType(type) && !declarationOf(events, type);
}

function knownTypes(events: CustomEvents): string {
  const names = [...EVENT_TYPES, ...Object.keys(events)];
  return `an event type: one of ${names.map((t) => `"${t}"`).join(', ')} (declare your own in settings.yaml customEvents)`;
}

function eventExpected(
  variable: string,
  entryEvent: unknown,
  sample: EventProperties | undefined,
  events: CustomEvents,
): string {
  if (!sample)
    return `no event.*: it is the entry event's properties, and this journey does not start on an event declared in settings.yaml customEvents`;
  const name = variable.split('.')[1] ?? '';
  const types = [entryEvent].flat().filter((t): t is string => typeof t === 'string');
  const personal = types.some((t) => events[t]?.properties[name]?.personal === true);
  const available = Object.keys(sample).map((n) => `event.${n}`);
  return `${personal ? `not "${variable}": it is personal data, which never reaches a journey; ` : ''}a property of ${types.join(' or ')} that is not personal data: ${available.join(', ') || '(none declared)'}`;
}
