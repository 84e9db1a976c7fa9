import { formatPath, type Problem } from '../errors';
import { isDuration } from './duration';
import { CALENDAR_YEAR, spanBounds } from './span';
import { asRecord, lineColumn } from './journey-checks';
import type { YamlSource } from './source';

/**
 * An experiment counts conversions from the journey's goal (the entries' `converted`), so its metric must
 * be the goal's event, within at most the goal's window (a conversion later than that is never recorded).
 * Checked on the file as written, beside the schema's own checks of each field.
 */
export function experimentProblems(src: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ source: src.file, ...lineColumn(src, path), field: formatPath(path), value, expected });
  const j = asRecord(src.data);
  const steps = Array.isArray(j?.steps) ? (j.steps as unknown[]) : [];
  const goal = asRecord(j?.goal);
  const goalWithin = typeof goal?.within === 'string' ? goal.within : '30d';
  steps.forEach((raw, i) => {
    const step = asRecord(raw);
    const experiment = asRecord(step?.experiment);
    if (step?.type !== 'split' || !experiment) return;
    const path = ['steps', i, 'experiment'];
    const metric = asRecord(experiment.metric);
    if (!goal) {
      at(
        path,
        step.id,
        'a goal on the journey (e.g. goal: { event: purchase, within: 30d }): an experiment counts its conversions',
      );
      return;
    }
    if (metric && typeof metric.event === 'string' && metric.event !== goal.event)
      at(
        [...path, 'metric', 'event'],
        metric.event,
        `the journey's goal event, "${String(goal.event)}" (conversions are counted from the goal)`,
      );
    const within = typeof metric?.within === 'string' ? metric.within : '30d';
    if (longerThan(within, goalWithin))
      at(
        [...path, 'metric', 'within'],
        within,
        `at most the goal's window, ${goalWithin} (a later conversion is never recorded)`,
      );
  });
  return problems;
}

/**
 * Whether a window can end after another from the same moment: a calendar year is 365 or 366 days, so
 * "1y" is within "1y" and "366d", and "365d" within "1y", but not the other way round.
 */
function longerThan(a: string, b: string): boolean {
  const readable = (d: string) => d === CALENDAR_YEAR || isDuration(d);
  if (!readable(a) || !readable(b) || a === b) return false;
  return spanBounds(a).longest > spanBounds(b).shortest;
}
