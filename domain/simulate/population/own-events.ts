import { ValidationError, type Problem } from '../../errors';
import { declarationOf, propertyValueSchema, type CustomEvents } from '../../events/custom';
import type { CustomEvent } from '../../events/schema';
import { zodProblems } from '../../config/problems';
import { PopulationModel, type CustomEventBehaviour, type PopulationModelInput } from './model';
import type { Random } from './random';

export class PopulationModelError extends ValidationError {
  override readonly name: string = 'PopulationModelError';
}

/** A population model as a file gives it (`rapport simulate --model`), every problem at once. */
export function parsePopulationModel(data: unknown, source: string): PopulationModelInput {
  const result = PopulationModel.safeParse(data ?? {});
  if (result.success) return result.data;
  throw new PopulationModelError(
    `Invalid population model ${source}`,
    zodProblems(result.error, data, { source }),
  );
}

/** One customer's stream of one event type of the project's own: when the next comes, and how many came. */
export interface OwnEventStream {
  type: string;
  behaviour: CustomEventBehaviour;
  /** Time of the next event, epoch ms. */
  at: number;
  count: number;
}

/**
 * The model's `customEvents` against settings.yaml's declarations, every problem at once: each type
 * declared; each property declared, each of its values one ingest accepts; every required property given.
 */
export function ownEventProblems(
  behaviours: Record<string, CustomEventBehaviour>,
  declared: CustomEvents,
  source: string,
): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string, value: unknown, expected: string) =>
    problems.push({ source, field, value, expected });
  const names = Object.keys(declared);
  for (const [type, behaviour] of Object.entries(behaviours)) {
    const declaration = declarationOf(declared, type);
    if (!declaration) {
      at(
        `customEvents.${type}`,
        type,
        `an event declared in settings.yaml customEvents: ${names.join(', ') || '(none declared)'}`,
      );
      continue;
    }
    const properties = Object.entries(declaration.properties);
    for (const [name, values] of Object.entries(behaviour.properties)) {
      const p = Object.hasOwn(declaration.properties, name) ? declaration.properties[name] : undefined;
      if (!p) {
        at(
          `customEvents.${type}.properties.${name}`,
          name,
          `a property ${type} declares: ${properties.map(([n]) => n).join(', ') || '(none)'}`,
        );
        continue;
      }
      const schema = propertyValueSchema(p);
      values.forEach((v, i) => {
        const wrong = schema.safeParse(v).error?.issues[0]?.message;
        if (wrong) at(`customEvents.${type}.properties.${name}[${i}]`, v, wrong.replace(/^expected: /, ''));
      });
    }
    const missing = properties.filter(([n, p]) => p.required && !Object.hasOwn(behaviour.properties, n));
    if (missing.length > 0)
      at(
        `customEvents.${type}.properties`,
        Object.keys(behaviour.properties),
        `values for every property ${type} requires: ${missing.map(([n]) => n).join(', ')} missing`,
      );
  }
  return problems;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * When the stream's next event comes after `after`: a memoryless gap (mean 30 days / perMonth), moved to
 * daytime in the customer's zone by `daytime`, and at least a minute after `after` (a gap moved to an
 * earlier hour of the same day would go back in time).
 */
export function nextOwnEvent(
  stream: OwnEventStream,
  after: number,
  random: Random,
  daytime: (raw: number) => number,
): number {
  const gap = random.exponential(30 / stream.behaviour.perMonth) * DAY;
  return Math.max(daytime(after + gap), after + MINUTE);
}

/** The stream's next event, its property values drawn from their lists. */
export function ownEvent(
  stream: OwnEventStream,
  customerId: string,
  at: string,
  random: Random,
): CustomEvent {
  stream.count++;
  const properties = Object.fromEntries(
    Object.entries(stream.behaviour.properties).map(([name, values]) => [
      name,
      values[random.int(0, values.length - 1)]!,
    ]),
  );
  return { eventId: `${stream.type}-${stream.count}`, type: stream.type, customerId, at, properties };
}
