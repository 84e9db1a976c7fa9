import * as z from 'zod';
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

export function jsonSchemaText(schema: z.ZodType): string {
  // `input`: what may be written in YAML (before defaults/transforms), which is what editors check.
  return `${JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
}
