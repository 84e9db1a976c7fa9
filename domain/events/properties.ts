import type { CustomEventDeclaration, CustomEvents } from './custom';
import { BUILT_IN_PROPERTIES, type EventType } from './types';

/** A property value as an event carries it; a date is kept as given (a valid ISO 8601 instant). */
export type PropertyValue = string | number | boolean;

/** The declaration of `type`, when the project declares it (own keys only: "constructor" is no event). */
export function declarationOf(
  events: CustomEvents | undefined,
  type: string,
): CustomEventDeclaration | undefined {
  return events && Object.hasOwn(events, type) ? events[type] : undefined;
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
