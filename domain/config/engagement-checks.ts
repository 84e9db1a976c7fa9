import { formatPath, type Problem } from '../errors';
import { engagedSendOf } from '../journey/engaged-message';
import type { GraphStep } from '../journey/skeleton';
import { lineColumn } from './journey-checks';
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
