import { zodProblems } from '../config/problems';
import { InvalidEventError } from '../errors';
import { depthProblem, reservedKeyProblems } from './limits';
import { IncomingEvent } from './schema';
import { EventTime, eventTimeProblem, type EventTimeWindow } from './time';

/** What an event is checked against beyond its shape: the time now and the window of believable times. */
export interface EventChecks {
  now: Date;
  window: EventTimeWindow;
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
  const result = IncomingEvent.safeParse(data);
  const listed = new Set(reserved.map((p) => p.field));
  const problems = [
    ...reserved,
    ...(result.success ? [] : zodProblems(result.error, data, { source })).filter(
      (p) => !listed.has(p.field),
    ),
  ];
  const at = result.success ? result.data.at : EventTime.safeParse((data as { at?: unknown }).at).data;
  const outside = at && checks ? eventTimeProblem(at, checks.now, checks.window) : undefined;
  if (outside) problems.push({ ...outside, source, value: (data as { at?: unknown }).at });
  if (!result.success || problems.length) throw new InvalidEventError('Invalid event', problems);
  return result.data;
}
