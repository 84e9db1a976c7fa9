import * as z from '../zod';
import type { Problem } from '../errors';
import { type CustomEvent, type CustomEvents, declarationOf, propertyValueSchema } from './custom';
import { EVENT_BASE } from './schema';
import { EVENT_TYPES } from './types';

/** Each declared event's schema, built once per declaration set (a warm Lambda parses many events). */
const built = new WeakMap<CustomEvents, Map<string, z.ZodMiniType<CustomEvent>>>();

/** The schema an event of a declared type is checked against: the common fields and its declared properties. */
export function customEventSchema(
  events: CustomEvents,
  name: string,
): z.ZodMiniType<CustomEvent> | undefined {
  const declaration = declarationOf(events, name);
  if (!declaration) return undefined;
  let byName = built.get(events);
  if (!byName) built.set(events, (byName = new Map()));
  let schema = byName.get(name);
  if (!schema) {
    const shape = Object.fromEntries(
      Object.entries(declaration.properties).map(([prop, p]) => {
        const value = propertyValueSchema(p);
        return [prop, p.required ? value : z.optional(value)];
      }),
    );
    const anyRequired = Object.values(declaration.properties).some((p) => p.required);
    const names = Object.keys(shape).join(', ');
    const properties = z.strictObject(shape, {
      // An undeclared property is phrased as any unknown field is (see zodProblems).
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? undefined
          : `expected: ${issue.input === undefined ? "the event's properties" : 'an object of properties'} (${names})`,
    });
    schema = z.strictObject({
      ...EVENT_BASE,
      type: z.literal(name),
      properties: anyRequired ? properties : z._default(properties, {}),
    }) as unknown as z.ZodMiniType<CustomEvent>;
    byName.set(name, schema);
  }
  return schema;
}

/** Every type ingest accepts, for the problem that names an unknown one. */
export function knownTypesText(events: CustomEvents | undefined): string {
  const names = [...EVENT_TYPES, 'erase', ...Object.keys(events ?? {})];
  return `an event type, one of ${names.map((t) => `"${t}"`).join(', ')}`;
}

/** Whether an event field is a personal property of its declared type: its value is never quoted back. */
export function personalField(events: CustomEvents | undefined, type: unknown, field: string): boolean {
  const declaration = typeof type === 'string' ? declarationOf(events, type) : undefined;
  if (!declaration) return false;
  const name = /^properties\.([A-Za-z][A-Za-z0-9_]*)/.exec(field)?.[1];
  return name !== undefined && declaration.properties[name]?.personal === true;
}

/** A problem on a personal property, without the value the sender gave (so no log line can carry it). */
export function withoutPersonalValue(problem: Problem): Problem {
  const { value: _personal, ...rest } = problem;
  return { ...rest, expected: `${problem.expected} (the value is personal data: not repeated here)` };
}
