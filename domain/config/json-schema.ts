import * as z from 'zod';
import { EVENT_TYPES } from '../events/types';
import { Journey } from '../journey/schema';
import { Lifecycle } from '../lifecycle/schema';
import { EmailLayout, MessageTemplate } from '../messages/template';
import { Settings } from './settings';

/**
 * JSON Schemas generated from the same zod schemas that validate, so an editor (via the
 * `yaml-language-server: $schema=` line at the top of each file) checks and completes the YAML.
 */
export const JSON_SCHEMAS = {
  'journey.schema.json': Journey,
  'lifecycle.schema.json': Lifecycle,
  'settings.schema.json': Settings,
  'message-template.schema.json': MessageTemplate,
  'email-layout.schema.json': EmailLayout,
} as const;

/**
 * `eventNames`: the project's declared events (settings.yaml `customEvents`), listed beside the built-in
 * types wherever a journey names an event, so that an editor offers them too.
 */
export function jsonSchemaText(
  schema: z.core.$ZodType,
  { eventNames = [] as readonly string[] } = {},
): string {
  // `input`: what may be written in YAML (before defaults/transforms), which is what editors check.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify(eventNames.length ? withEventNames(json, eventNames) : json, null, 2)}\n`;
}

function withEventNames(node: unknown, names: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => withEventNames(n, names));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([k, v]) => [k, withEventNames(v, names)] as const);
  const out = Object.fromEntries(entries) as Record<string, unknown>;
  const isEventEnum =
    Array.isArray(out.enum) &&
    out.enum.length === EVENT_TYPES.length &&
    EVENT_TYPES.every((t, i) => (out.enum as unknown[])[i] === t);
  return isEventEnum ? { ...out, enum: [...EVENT_TYPES, ...names] } : out;
}
