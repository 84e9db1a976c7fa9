import * as z from '../zod';
import { assertNever } from '../assert-never';
import { Slug } from '../config/ids';
import { expect } from '../config/problems';
import { isReservedKey, RESERVED_EXPECTED, storableNumber } from './limits';
import { lineText } from './text';
import { BUILT_IN_PROPERTIES, reservedEventNames, type EventType } from './types';

export { isCustomType } from './types';

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

/** The declaration of `type`, when the project declares it (own keys only: "constructor" is no event). */
export function declarationOf(
  events: CustomEvents | undefined,
  type: string,
): CustomEventDeclaration | undefined {
  return events && Object.hasOwn(events, type) ? events[type] : undefined;
}

/** A property value as an event carries it; a date is kept as given (a valid ISO 8601 instant). */
export type PropertyValue = string | number | boolean;

/** A declared event as received: the common fields and its `properties`. */
export interface CustomEvent {
  eventId: string;
  customerId: string;
  at: string;
  type: string;
  properties: Record<string, PropertyValue>;
}

/**
 * The properties of an event that may leave its record (which is erased with the customer): into the
 * profile's lastEvent, and into a journey execution's input, whose history Step Functions keeps for 90
 * days whatever an erasure does. Personal properties never do; a built-in event has none.
 */
export function shareableProperties(
  event: { type: string; properties?: Record<string, PropertyValue> },
  customEvents: CustomEvents | undefined,
): Record<string, PropertyValue> {
  const declaration = declarationOf(customEvents, event.type);
  if (!declaration || !event.properties) return {};
  return Object.fromEntries(
    Object.entries(event.properties).filter(([name]) => declaration.properties[name]?.personal === false),
  );
}

/**
 * The properties an execution of a journey that starts on this event may carry (`event`): a declared
 * event's shareable ones, or the listed fields of a built-in event that are not personal data.
 */
export function entryEventProperties(
  event: { type: string; properties?: Record<string, PropertyValue> },
  customEvents: CustomEvents | undefined,
): Record<string, PropertyValue> {
  const builtIn = Object.hasOwn(BUILT_IN_PROPERTIES, event.type)
    ? BUILT_IN_PROPERTIES[event.type as EventType]
    : undefined;
  if (!builtIn) return shareableProperties(event, customEvents);
  const fields = event as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(builtIn).flatMap(([name, p]) => {
      const value = fields[name];
      const carried = !p.personal && ['string', 'number', 'boolean'].includes(typeof value);
      return carried ? [[name, value as PropertyValue]] : [];
    }),
  );
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
