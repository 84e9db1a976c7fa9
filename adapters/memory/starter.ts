import type { JourneyInput } from '../../domain/journey/compile';
import type { JourneyStarter, LifecycleChange, LifecyclePublisher } from '../../domain/ports';

/** Records starts by name with Step Functions' semantics: a name starts at most one execution. */
export function memoryStarter(): JourneyStarter & { started: Map<string, JourneyInput>; stopped: string[] } {
  const started = new Map<string, JourneyInput>();
  const stopped: string[] = [];
  return {
    started,
    stopped,
    stop: async (executionArn) => void stopped.push(executionArn),
    resume: async () => 'gone' as const,
    executionArn: ({ executionName }) => `arn:test:execution:${executionName}`,
    start: async ({ executionName, input }) => {
      const alreadyStarted = started.has(executionName);
      if (!alreadyStarted) started.set(executionName, structuredClone(input));
      return { executionArn: `arn:test:execution:${executionName}`, alreadyStarted };
    },
  };
}

/** Keeps what was announced, in order, repeats included (the bus is at least once too). */
export function memoryPublisher(): LifecyclePublisher & { published: LifecycleChange[] } {
  const published: LifecycleChange[] = [];
  return { published, publish: async (changes) => void published.push(...structuredClone(changes)) };
}
