import { zodProblems } from '../config/problems';
import { InvalidEventError, type Problem } from '../errors';
import type { CustomEvents } from './custom';
import { customEventSchema, knownTypesText, personalField, withoutPersonalValue } from './custom-schema';
import { depthProblem, reservedKeyProblems } from './limits';
import { IncomingEvent } from './schema';
import { EventTime, eventTimeProblem, type EventTimeWindow } from './time';

/** What an event is checked against beyond its shape: the time now and the window of believable times. */
export interface EventChecks {
  /** The time checks (both, or neither: a generated population's events are not checked against now). */
  now?: Date;
  window?: EventTimeWindow;
  /** settings.yaml `customEvents`: the types beside the built-in ones, and what each carries. */
  customEvents?: CustomEvents;
}

/** Validates a customer event from any source, reporting every problem with its field and expected value. */
export function parseCustomerEvent(data: unknown, source: string, checks?: EventChecks): IncomingEvent {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidEventError('Invalid event', [
      {
        source,
        field: '',
        value: data,
        expected: 'a JSON object describing one event, e.g. {"eventId": …, "type": "purchase", …}',
      },
    ]);
  }
  // Before anything recursive (zod, quoting values in problems, logging) walks it.
  const tooDeep = depthProblem(data);
  if (tooDeep) throw new InvalidEventError('Invalid event', [{ ...tooDeep, source }]);
  const reserved = reservedKeyProblems(data).map((p) => ({ ...p, source }));
  const type = (data as { type?: unknown }).type;
  const declared = typeof type === 'string' ? customEventSchema(checks?.customEvents ?? {}, type) : undefined;
  const result = (declared ?? IncomingEvent).safeParse(data);
  const listed = new Set(reserved.map((p) => p.field));
  const problems = [
    ...reserved,
    ...(result.success ? [] : zodProblems(result.error, data, { source }))
      .filter((p) => !listed.has(p.field))
      .map((p) => typeProblem(p, checks?.customEvents))
      .map((p) => (personalField(checks?.customEvents, type, p.field) ? withoutPersonalValue(p) : p)),
  ];
  const at = result.success ? result.data.at : EventTime.safeParse((data as { at?: unknown }).at).data;
  const outside =
    at && checks?.now && checks.window ? eventTimeProblem(at, checks.now, checks.window) : undefined;
  if (outside) problems.push({ ...outside, source, value: (data as { at?: unknown }).at });
  if (!result.success || problems.length) throw new InvalidEventError('Invalid event', problems);
  return result.data as IncomingEvent;
}

/** An unknown type is told every type there is, the declared ones included. */
function typeProblem(p: Problem, customEvents: CustomEvents | undefined): Problem {
  return p.field === 'type' && p.expected.startsWith('an event type,')
    ? { ...p, expected: knownTypesText(customEvents) }
    : p;
}
