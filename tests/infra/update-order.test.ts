import { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { marketingJourneys } from '../../domain/messages/suppress';
import { RapportStack } from '../../infra/rapport-stack';
import { cfnText, fastApp, logicalIdOf, TEST_SENDER, WORKFLOWS_DIR } from './support';

// CloudFormation updates a resource after every resource it depends on (DependsOn, Ref, Fn::GetAtt,
// Fn::Sub): these tests read that graph from the template. (Template.fromStack refuses a cyclic template
// too; the check here does not rely on it.)

const workflows = loadWorkflows(WORKFLOWS_DIR);
const template = Template.fromStack(
  new RapportStack(fastApp(), 'Rapport', { workflows, senderAddress: TEST_SENDER }),
);
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
const resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;

const journeyIds = workflows.journeys.map((j) => j.journey.id);
/** The functions that compute a start's input (queued) and start-journey, which makes the starts. */
const STARTERS = ['ingest-event', 'sweep', 'sweep-worker', 'feedback', 'start-journey'] as const;
/** The functions that apply events: they resume waits and stop journeys. */
const RESUMERS = ['ingest-event', 'sweep', 'feedback'] as const;
const machineId = (journeyId: string) =>
  logicalIdOf(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: `rapport-${journeyId}` });
const machineIds = journeyIds.map(machineId);
const PREFIX = 'arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}';
const machineArn = (journeyId: string) => `${PREFIX}:stateMachine:rapport-${journeyId}`;
const executionsArn = (journeyId: string) => `${PREFIX}:execution:rapport-${journeyId}:*`;

/** A function's logical id, its role's and those of the policies attached to its role. */
function functionResources(name: string): { fn: string; role: string; policies: string[] } {
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` });
  const role = (resources[fn]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
  const policies = Object.keys(resources).filter(
    (id) =>
      resources[id]!.Type === 'AWS::IAM::Policy' &&
      (resources[id]!.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === role),
  );
  return { fn, role, policies };
}

/** The logical ids a value refers to: Ref, Fn::GetAtt and `${Id}` / `${Id.Attr}` in Fn::Sub. */
function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencesIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') found.add(v);
      else if (key === 'Fn::GetAtt') found.add((v as string[])[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? (v[0] as string) : (v as string);
        for (const m of text.matchAll(/\$\{([^}.!]+)/g)) found.add(m[1]!);
        referencesIn(Array.isArray(v) ? v[1] : undefined, found);
      } else referencesIn(v, found);
    }
  }
  return found;
}

/** What CloudFormation orders each resource after: the resources it names or depends on. */
function dependencyGraph(all: Record<string, Resource>): Map<string, string[]> {
  return new Map(
    Object.entries(all).map(([id, r]) => [
      id,
      [...new Set([...(r.DependsOn ?? []), ...referencesIn(r.Properties)])].filter((d) => d in all),
    ]),
  );
}

/** A cycle in the graph, as the ids along it, or undefined. */
function cycleIn(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every resource `from` is ordered after, directly or not. */
function upstreamOf(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  return seen;
}

/** A function's grants on Step Functions, as `action resource` lines (resources rendered by cfnText). */
function statesGrants(name: string): string[] {
  return functionResources(name)
    .policies.flatMap(
      (id) =>
        (resources[id]!.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    )
    .flatMap((s) =>
      [s.Action as string | string[]]
        .flat()
        .filter((a) => a.startsWith('states:'))
        .flatMap((a) => [s.Resource].flat().map((r) => `${a} ${cfnText(r)}`)),
    )
    .sort();
}

const graph = dependencyGraph(resources);

describe('update order: the journey starters before the journey state machines', () => {
  it('the dependency check finds a cycle when there is one', () => {
    const looped = {
      A: { Type: 'T', Properties: { x: { Ref: 'B' } } },
      B: { Type: 'T', Properties: {}, DependsOn: ['A'] },
    };
    expect(cycleIn(dependencyGraph(looped))).toEqual(['A', 'B', 'A']);
  });

  it('the template has no dependency cycle', () => {
    expect(cycleIn(graph)).toBeUndefined();
  });

  it("each journey state machine depends on every starter, its role and its role's policies", () => {
    expect(machineIds).toHaveLength(journeyIds.length);
    for (const id of machineIds) {
      const dependsOn = resources[id]!.DependsOn ?? [];
      for (const name of STARTERS) {
        const { fn, role, policies } = functionResources(name);
        expect(policies.length).toBeGreaterThan(0);
        expect({ id, name, dependsOn }).toEqual({
          id,
          name,
          dependsOn: expect.arrayContaining([fn, role, ...policies]),
        });
      }
    }
  });

  it('no starter function, role or policy is ordered after a state machine, directly or not', () => {
    for (const name of STARTERS) {
      const { fn, role, policies } = functionResources(name);
      for (const id of [fn, role, ...policies]) {
        const after = [...upstreamOf(graph, id)].filter((u) => machineIds.includes(u));
        expect({ name, id, after }).toEqual({ name, id, after: [] });
      }
    }
  });

  it('the starters find every journey by the state machine ARN prefix and its fixed name', () => {
    for (const name of STARTERS) {
      const env = (
        resources[functionResources(name).fn]!.Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(env).not.toHaveProperty('JOURNEY_STATE_MACHINES');
      expect({ name, arns: stateMachineArns(cfnText(env.STATE_MACHINE_ARN_PREFIX), journeyIds) }).toEqual({
        name,
        arns: Object.fromEntries(journeyIds.map((id) => [id, machineArn(id)])),
      });
    }
  });

  it('the grants are one statement per action on the rapport-* prefix, whatever the number of journeys', () => {
    const resumer = [
      `states:SendTaskSuccess ${PREFIX}:stateMachine:rapport-*`,
      `states:StopExecution ${PREFIX}:execution:rapport-*:*`,
    ];
    for (const name of RESUMERS)
      expect({ name, grants: statesGrants(name) }).toEqual({ name, grants: resumer });
    // Only start-journey starts (the others queue); it stops a start found stale once made.
    expect(statesGrants('start-journey')).toEqual([
      `states:StartExecution ${PREFIX}:stateMachine:rapport-*`,
      `states:StopExecution ${PREFIX}:execution:rapport-*:*`,
    ]);
    // A worker's turn starts journeys (queued) and announces changes; a start of higher priority in an
    // exclusive group stops the lower one the customer is in.
    expect(statesGrants('sweep-worker')).toEqual([`states:StopExecution ${PREFIX}:execution:rapport-*:*`]);
    // delivery-events starts nothing: it resumes waits for an open or a click, and stops the executions of
    // marketing journeys only.
    const marketing = marketingJourneys(workflows.journeys.map((j) => j.journey)).map((j) => j.id);
    expect(marketing.length).toBeGreaterThan(0);
    expect(marketing.length).toBeLessThan(journeyIds.length);
    expect(statesGrants('delivery-events')).toEqual([
      `states:SendTaskSuccess ${PREFIX}:stateMachine:rapport-*`,
      ...marketing.map((id) => `states:StopExecution ${executionsArn(id)}`).sort(),
    ]);
  });
});
