import { join } from 'node:path';
import type { LocalRuntime } from '../../local/runtime';
import { rewriteJourney, scratchWorkflows } from '../infra/support';
import { firstSmallPurchase, itemsOf, postEvent, startVirtualRuntime, type VirtualRuntime } from './local';

/**
 * An experiment no shipped journey has: first-small-purchase starts with a split, half the customers
 * thanked as shipped (the journey then ends in the exit `done`), half held out (the exit `hold-out`). Its
 * purchase goal converts both arms' customers. Shared by the console's tests of experiments and of where
 * executions end.
 */
export const SPLIT = { journeyId: 'first-small-purchase', stepId: 'try-thanks' } as const;
export const ARMS = ['thanked', 'held-out'] as const;

/** A scratch copy of the shipped workflows with the experiment in first-small-purchase. */
export function experimentWorkflows(): { dir: string; cleanup(): void } {
  return scratchWorkflows((dir) =>
    rewriteJourney(join(dir, 'journeys', `${SPLIT.journeyId}.yaml`), (doc) => ({
      ...doc,
      steps: [
        {
          id: SPLIT.stepId,
          type: 'split',
          paths: [
            { name: 'thanked', percent: 50, next: 'thank-you' },
            { name: 'held-out', percent: 50, next: 'hold-out', holdout: true },
          ],
        },
        ...(doc.steps as unknown[]),
        { id: 'done', type: 'exit' },
        { id: 'hold-out', type: 'exit' },
      ],
    })),
  );
}

/** A runtime in virtual time (from TEST_NOW) on the experiment's scratch workflows. */
export async function startExperimentRuntime(
  options: { sweepEveryMs?: number } = {},
): Promise<VirtualRuntime> {
  const workflows = experimentWorkflows();
  const started = await startVirtualRuntime({ ...options, workflowsDir: workflows.dir }).catch(
    (e: unknown) => {
      workflows.cleanup();
      throw e;
    },
  );
  return {
    ...started,
    async stop() {
      await started.stop();
      workflows.cleanup();
    },
  };
}

/** Each customer's first small purchase (which enters them in the journey), through the events API. */
export async function firstPurchases(runtime: LocalRuntime, customers: readonly string[]): Promise<void> {
  for (const [i, customerId] of customers.entries()) {
    const event = firstSmallPurchase({ customerId, eventId: `e-${i}`, email: `${customerId}@example.com` });
    const res = await postEvent(runtime, event);
    if (res.status !== 202) throw new Error(`purchase of ${customerId}: HTTP ${res.status}`);
  }
}

/** A second purchase by each customer, dated `at`: the journey's goal. */
export async function buyAgain(
  runtime: LocalRuntime,
  customers: readonly string[],
  at: string,
): Promise<void> {
  for (const customerId of customers) {
    const res = await postEvent(runtime, {
      ...firstSmallPurchase({ customerId, eventId: `again-${customerId}` }),
      at,
    });
    if (res.status !== 202) throw new Error(`second purchase of ${customerId}: HTTP ${res.status}`);
  }
}

export interface StoredArm {
  arm: string;
  /** The customers the stored split decisions put in the arm. */
  customers: string[];
  /** Those of them whose execution in the arm the store counts as converted. */
  converted: string[];
}

/** The split's stored decisions and converted entries of `customers`, per arm, read item by item. */
export async function storedArms(runtime: LocalRuntime, customers: readonly string[]) {
  const decisions = (await Promise.all(customers.map((c) => itemsOf(runtime, c, 'DECISION#')))).flat();
  const entries = (await Promise.all(customers.map((c) => itemsOf(runtime, c, 'JOURNEY#')))).flat();
  const converted = new Set(entries.filter((e) => e.converted).map((e) => e.executionArn));
  const arms = ARMS.map((arm): StoredArm => {
    const took = decisions.filter((d) => d.stepId === SPLIT.stepId && d.path === arm);
    return {
      arm,
      customers: took.map((d) => String(d.customerId)),
      converted: took.filter((d) => converted.has(d.executionId)).map((d) => String(d.customerId)),
    };
  });
  return { decisions, converted, arms };
}
