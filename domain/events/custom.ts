import * as z from '../zod';
import { assertNever } from '../assert-never';
import { Slug } from '../config/ids';
import { expect } from '../config/problems';
import { isReservedKey, RESERVED_EXPECTED, storableNumber } from './limits';
import { lineText } from './text';
import { reservedEventNames } from './types';
import type { PropertyValue } from './properties';

export { isCustomType } from './types';
// Apart so that the functions that ingest events do not build the declarations' schemas (settings.yaml's)
// at cold start: they read declarations validated at synth.
export { declarationOf, entryEventProperties, shareableProperties, type PropertyValue } from './properties';

export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** The longest text a string property may be declared to hold, and its default. */
export const MAX_STRING_PROPERTY = 2000;
export const DEFAULT_STRING_PROPERTY = 256;
export const MAX_PROPERTIES = 50;

const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const PropertyName = z.string().check(
  z.regex(PROPERTY_NAME, expect('a property name of letters, digits and _ (starting with a letter)')),
  z.refine((k) => !isReservedKey(k), expect(RESERVED_EXPECTED)),
);

const PROPERTY_LENGTH = expect(`a whole number from 1 to ${MAX_STRING_PROPERTY}`);

export const PropertyDeclaration = z
  .strictObject({
    type: z.described(
      z.enum(PROPERTY_TYPES, expect('"string", "number", "boolean" or "date" (an ISO 8601 instant)')),
      'string, number, boolean, or date (an ISO 8601 timestamp with a time zone).',
    ),
    required: z.described(
      z._default(z.boolean(expect('true or false')), true),
      'Whether every event of this type must carry it (default true).',
    ),
    maxLength: z.described(
      z.optional(
        z
          .number(PROPERTY_LENGTH)
          .check(
            z.int(PROPERTY_LENGTH),
            z.gte(1, PROPERTY_LENGTH),
            z.lte(MAX_STRING_PROPERTY, PROPERTY_LENGTH),
          ),
      ),
      `For a string: its longest length (default ${DEFAULT_STRING_PROPERTY}).`,
    ),
    personal: z.described(
      z._default(z.boolean(expect('true or false')), false),
      'Personal data (a name, an address, a note the customer wrote): never logged, never copied into a journey execution (so no template or condition reads it), erased with the customer.',
    ),
    description: z.optional(z.string()),
  })
  .check(
    z.refine((p) => p.maxLength === undefined || p.type === 'string', {
      error: 'expected: maxLength only on a string property (remove it, or make the type string)',
      path: ['maxLength'],
    }),
  );
export type PropertyDeclaration = z.infer<typeof PropertyDeclaration>;

const RESERVED = reservedEventNames();
export const CustomEventName = Slug.check(
  z.refine(
    (n) => !RESERVED.includes(n),
    expect(`a name of your own, not one Rapport uses (${RESERVED.map((n) => `"${n}"`).join(', ')})`),
  ),
);

export const CustomEventDeclaration = z.described(
  z.strictObject({
    description: z.string(expect('a sentence saying when this event is sent')).check(z.minLength(1)),
    properties: z.described(
      z._default(
        z
          .record(PropertyName, PropertyDeclaration)
          .check(
            z.refine(
              (r) => Object.keys(r).length <= MAX_PROPERTIES,
              expect(`at most ${MAX_PROPERTIES} properties`),
            ),
          ),
        {},
      ),
      'What the event carries in `properties`, by name.',
    ),
  }),
  'An event of your own, e.g. product-viewed: sent to POST /events like the built-in ones.',
);
export type CustomEventDeclaration = z.infer<typeof CustomEventDeclaration>;

/** settings.yaml `customEvents`: each declared event by name. */
export const CustomEvents = z.record(CustomEventName, CustomEventDeclaration);
export type CustomEvents = z.infer<typeof CustomEvents>;

/** A declared event as received: the common fields and its `properties`. */
export interface CustomEvent {
  eventId: string;
  customerId: string;
  at: string;
  type: string;
  properties: Record<string, PropertyValue>;
}

/** The zod schema of one declared property's value, as ingest checks it. */
export function propertyValueSchema(p: PropertyDeclaration): z.ZodMiniType<PropertyValue> {
  switch (p.type) {
    case 'string': {
      const max = p.maxLength ?? DEFAULT_STRING_PROPERTY;
      return lineText(`a text of at most ${max} characters`, max);
    }
    case 'number':
      return storableNumber('a number');
    case 'boolean':
      return z.boolean(expect('true or false'));
    case 'date':
      return z.iso.datetime({
        offset: true,
        error: 'expected: an ISO 8601 timestamp with a time zone, e.g. "2026-11-22T10:00:00Z"',
      });
    default:
      return assertNever(p.type);
  }
}
