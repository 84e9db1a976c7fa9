import { formatPath, type Problem } from '../errors';
import { engagedSendOf } from '../journey/engaged-message';
import type { GraphStep } from '../journey/skeleton';
import { isEngagementType } from '../events/types';
import { asRecord, lineColumn } from './journey-checks';
import type { YamlSource } from './source';

/** Each wait for an engagement event is about one send's message, and only such a wait names one. */
export function engagementWaitProblems(steps: readonly GraphStep[], src: YamlSource): Problem[] {
  return steps.flatMap((_, i): Problem[] => {
    const found = engagedSendOf(steps, i);
    if (found.kind !== 'problem') return [];
    const path = ['steps', i, found.field];
    return [
      {
        source: src.file,
        ...lineColumn(src, path),
        field: formatPath(path),
        value: found.value,
        expected: found.expected,
      },
    ];
  });
}

/**
 * Engagement events are about one message of a journey: a journey waits for them (wait-for-event), it does
 * not start on one nor count one as its goal (delivery-events, which records them, starts and stops none).
 */
export function engagementUseProblems(src: YamlSource): Problem[] {
  const j = asRecord(src.data);
  const problems: Problem[] = [];
  const check = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === 'string' && isEngagementType(value))
      problems.push({
        source: src.file,
        ...lineColumn(src, path),
        field: formatPath(path),
        value,
        expected: `an event a customer sends, not ${value} (what a customer did with one message): wait for it in a wait-for-event step after the send`,
      });
  };
  const entryEvent = asRecord(j?.entry)?.event;
  [entryEvent ?? []]
    .flat()
    .forEach((t: unknown, k) => check(t, ['entry', 'event', ...(Array.isArray(entryEvent) ? [k] : [])]));
  check(asRecord(j?.goal)?.event, ['goal', 'event']);
  return problems;
}
