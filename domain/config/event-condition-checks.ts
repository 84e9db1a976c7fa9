import { declarationOf, propertyValueSchema, type CustomEvents } from '../events/custom';
import { BUILT_IN_PROPERTIES, type EventProperty, type EventType } from '../events/types';
import { asRecord } from './journey-checks';

type At = (path: PropertyKey[], value: unknown, expected: string) => void;

const PERSONAL_WHY =
  'it is personal data, which is never copied into a journey execution (Step Functions keeps an execution history for 90 days whatever an erasure does), so no condition or template can read it';

/** What each property type allows a test to say: a value, a list, bounds. */
const ALLOWED: Record<
  EventProperty['type'],
  { words: string; value: boolean; list: boolean; bounds: boolean }
> = {
  string: { words: 'a text, or { in: [texts] }', value: true, list: true, bounds: false },
  number: {
    words: 'a number, { in: [numbers] } or bounds gt/gte/lt/lte',
    value: true,
    list: true,
    bounds: true,
  },
  boolean: { words: 'true or false', value: true, list: false, bounds: false },
  date: {
    words:
      'bounds gt/gte/lt/lte, each an ISO 8601 timestamp with a time zone (a date is compared as an instant)',
    value: false,
    list: false,
    bounds: true,
  },
};

/** The properties an entry event type carries; undefined for a type neither built in nor declared. */
function propertiesOf(type: string, events: CustomEvents): Record<string, EventProperty> | undefined {
  if (Object.hasOwn(BUILT_IN_PROPERTIES, type)) return BUILT_IN_PROPERTIES[type as EventType];
  return declarationOf(events, type)?.properties;
}

/**
 * A condition's `event` test (in `entry.where` or a branch path's `when`): only in a journey that starts on
 * an event; each property carried by every entry event type, not personal data, tested as its type allows.
 * Entry types that are not declared are reported on their own and left out here.
 */
export function eventConditionProblems(
  condition: unknown,
  path: PropertyKey[],
  entryEvent: unknown,
  events: CustomEvents,
  at: At,
): void {
  const wanted = asRecord(asRecord(condition)?.event);
  if (!wanted) return;
  const types = [entryEvent ?? []].flat().filter((t): t is string => typeof t === 'string');
  if (types.length === 0)
    return at(
      [...path, 'event'],
      wanted,
      "no event test here: it tests the entry event's properties, and this journey does not start on an event (entry.event)",
    );
  const carried = types.flatMap((t) => {
    const props = propertiesOf(t, events);
    return props ? [[t, props] as const] : [];
  });
  const shareable = (carried[0]?.[1] ? Object.keys(carried[0][1]) : []).filter((n) =>
    carried.every(([, props]) => Object.hasOwn(props, n) && props[n]?.personal === false),
  );
  for (const [name, test] of Object.entries(wanted)) {
    const where = [...path, 'event', name];
    const lacking = carried.filter(([, props]) => !Object.hasOwn(props, name)).map(([t]) => t);
    const personal = carried.some(([, props]) => Object.hasOwn(props, name) && props[name]?.personal);
    if (lacking.length > 0 || personal) {
      const why = personal
        ? `not "${name}": ${PERSONAL_WHY}; `
        : `not "${name}": ${lacking.join(' and ')} has no such property; `;
      at(
        where,
        name,
        `${why}a property every entry event (${types.join(', ')}) carries: ${shareable.join(', ') || '(none)'}`,
      );
      continue;
    }
    const type = carried.map(([, props]) => props[name]?.type).find((t) => t !== undefined);
    if (type && !testFits(test, type))
      at(where, test, `${ALLOWED[type].words}, as ${name} is a ${type} property`);
  }
}

const BOUNDS = ['gt', 'gte', 'lt', 'lte'] as const;
/** A date as ingest accepts a date property's value: a condition can only compare with what can arrive. */
const INSTANT = propertyValueSchema({ type: 'date', required: true, personal: false });

/** Whether a test says only what its property's type allows, with values of that type. */
function testFits(test: unknown, type: EventProperty['type']): boolean {
  const allowed = ALLOWED[type];
  const ofType = (v: unknown) => (type === 'date' ? INSTANT.safeParse(v).success : typeof v === type);
  const t = asRecord(test);
  if (!t) return allowed.value && ofType(test);
  if (t.in !== undefined && !(allowed.list && Array.isArray(t.in) && t.in.every(ofType))) return false;
  const bounds = BOUNDS.filter((b) => t[b] !== undefined);
  return bounds.length === 0 || (allowed.bounds && bounds.every((b) => ofType(t[b])));
}
