import type { z } from 'zod';
import { Journey } from '../../domain/journey/schema';

type JourneyInput = z.input<typeof Journey>;

/**
 * A journey built in a test: it names what the test is about (id, entry, steps) and takes the minimum
 * the schema asks for otherwise. Parsed, so a test journey is held to the same rules as a shipped one.
 */
export function testJourney(
  spec: Pick<JourneyInput, 'id' | 'entry' | 'steps'> &
    Partial<Pick<JourneyInput, 'version' | 'description' | 'goal' | 'reEntry' | 'priority' | 'exclusive'>>,
): Journey {
  return Journey.parse({ version: 1, description: 'd', ...spec });
}

/** A split step that holds 10% back (its labels carry a percent sign and parentheses in a graph). */
export function holdoutSplit(id: string, next: string): JourneyInput['steps'][number] {
  return {
    id,
    type: 'split',
    paths: [
      { name: 'offer', percent: 90, next },
      { name: 'holdout', percent: 10, next, holdout: true },
    ],
  };
}
