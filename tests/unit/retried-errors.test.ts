import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import * as errors from '../../domain/errors';
import { PacingContentionError, RETRIED_ERRORS, VersionConflictError } from '../../domain/errors';
import { compileJourney, SUBSTITUTIONS, WAIT_FOR_CALLBACK_RESOURCE } from '../../domain/journey/compile';
import { Journey } from '../../domain/journey/schema';
import { runJourneyStep } from '../../domain/journey/step-actions';
import { sendMessage, type SendDeps } from '../../domain/messages/send';
import { updateProfile } from '../../domain/profile/update';
import { CONFLICT_ATTEMPTS } from '../../domain/retry';
import { seedProfile } from '../handlers/support';
import { WORKFLOWS_DIR } from '../support/paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T10:00:05Z');

/** The classes of domain/errors.ts whose doc comment says Step Functions retries the step. */
function documentedAsRetried(): string[] {
  const source = readFileSync(join(__dirname, '..', '..', 'domain', 'errors.ts'), 'utf8');
  return [...source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export class (\w+Error)/g)]
    .filter(([, doc]) => /Step Functions retries/.test(doc!.replace(/\s*\*\s*/g, ' ')))
    .map(([, , name]) => name!);
}

describe('errors documented as retried', () => {
  it('are the retried error classes, each named as its class (what Retry matches)', () => {
    const documented = documentedAsRetried();
    expect(documented.sort()).toEqual([
      'MessageThrottledError',
      'PacingContentionError',
      'UnprocessedItemsError',
      'VersionConflictError',
    ]);
    for (const name of documented) {
      const Ctor = (errors as unknown as Record<string, new (m: string) => Error>)[name]!;
      expect(new Ctor('x').name).toBe(name);
      expect(RETRIED_ERRORS).toContain(name);
    }
  });

  const everyStep = Journey.parse(
    parse(readFileSync(join(__dirname, '..', 'golden', 'fixtures', 'every-step.yaml'), 'utf8')),
  );
  const journeys = [...workflows.journeys.map((j) => j.journey), everyStep];
  const lambdaResources = new Set([
    `\${${SUBSTITUTIONS.sendMessage}}`,
    `\${${SUBSTITUTIONS.journeyStep}}`,
    WAIT_FOR_CALLBACK_RESOURCE,
  ]);

  it.each(journeys.map((j) => [j.id, j]))(
    'are in the Retry of every Task of %s that runs a Rapport Lambda',
    (_id, journey) => {
      const asl = compileJourney(journey, { holidays: workflows.settings.holidays, defaultTimeZone: 'UTC' });
      const tasks = Object.entries(asl.States).filter(
        ([, s]) => s.Type === 'Task' && lambdaResources.has(s.Resource),
      );
      expect(tasks.length).toBeGreaterThan(0);
      for (const [name, state] of tasks) {
        const retried = state.Type === 'Task' ? (state.Retry ?? []).flatMap((r) => r.ErrorEquals) : [];
        expect({ name, missing: documentedAsRetried().filter((e) => !retried.includes(e)) }).toEqual({
          name,
          missing: [],
        });
      }
    },
  );
});

/** A store on which every versioned write loses the race, counting the attempts. */
function alwaysConflicting() {
  const store = memoryStore();
  const writes = { profile: 0, pacing: 0 };
  const putProfile = store.putProfile.bind(store);
  return {
    store: Object.assign(store, {
      putProfile: async (p: Parameters<typeof putProfile>[0]) => {
        // The first write (seeding) goes through; every later one loses.
        if (writes.profile++ === 0) return putProfile(p);
        throw new VersionConflictError('someone else wrote first');
      },
      putPacing: async () => {
        writes.pacing++;
        throw new VersionConflictError('someone else wrote first');
      },
    }),
    writes,
  };
}

describe('read-decide-write loops share one helper and one table of limits', () => {
  it('profile updates give up after CONFLICT_ATTEMPTS.profile lost races, keeping the conflict as cause', async () => {
    const { store, writes } = alwaysConflicting();
    await seedProfile(store, workflows.lifecycle);
    const run = updateProfile(store, 'c-42', (p) => ({ ...p, version: p.version + 1 }));
    await expect(run).rejects.toBeInstanceOf(VersionConflictError);
    await expect(run).rejects.toHaveProperty('cause', expect.any(VersionConflictError));
    expect(writes.profile - 1).toBe(CONFLICT_ATTEMPTS.profile);
  });

  it('an update step uses that same loop (and its limit), so Step Functions retries it when it is exhausted', async () => {
    const { store, writes } = alwaysConflicting();
    await seedProfile(store, workflows.lifecycle);
    const base = { customerId: 'c-42', journeyId: 'j', journeyVersion: 1, stepId: 's', executionId: 'x' };
    const run = runJourneyStep(
      { ...base, action: 'update', update: { set: {}, addTags: ['t'], removeTags: [] } },
      { store, clock },
    );
    await expect(run).rejects.toHaveProperty('cause', expect.any(VersionConflictError));
    expect(writes.profile - 1).toBe(CONFLICT_ATTEMPTS.profile);
  });

  it('pacing gives up after CONFLICT_ATTEMPTS.pacing lost races with PacingContentionError', async () => {
    const { store, writes } = alwaysConflicting();
    await seedProfile(store, workflows.lifecycle);
    // The frequency cap is decided before anything is rendered or sent: those are never reached.
    const unused = {} as SendDeps['renderer'];
    const run = sendMessage(
      {
        customerId: 'c-42',
        journeyId: 'j',
        journeyVersion: 1,
        stepId: 's',
        channel: 'email',
        template: 'first-purchase-thanks',
        category: 'marketing',
        topic: 'offers',
        priority: 'normal',
        executionId: 'x',
        deferral: 'result',
      },
      {
        store,
        clock,
        renderer: unused,
        mailer: { send: () => Promise.reject(new Error('not reached')) },
        sms: { send: () => Promise.reject(new Error('not reached')) },
        sender: 's',
        publicBaseUrl: 'https://x',
        linkSecret: async () => 'k',
        settings: workflows.settings,
      },
    );
    await expect(run).rejects.toBeInstanceOf(PacingContentionError);
    await expect(run).rejects.toHaveProperty('cause', expect.any(VersionConflictError));
    expect(writes.pacing).toBe(CONFLICT_ATTEMPTS.pacing);
  });
});
