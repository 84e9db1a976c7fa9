import type { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A stage (`-c stage=dev`) is one Rapport of several in an account and region: its stack is `<stage>-Rapport`
 * and every physical name starts with `<stage>-`. No stage keeps the names of the first deployments (stack
 * `Rapport`, names `rapport…`), so they keep their resources. A stage name holds no `-`, so no stage's
 * names can begin with another's prefix (`dev-` never covers `dev2-…`), nor with `rapport-`.
 */
export const STAGE_NAME = /^[a-z][a-z0-9]{0,9}$/;

/** What a stage name may be, as error messages say it. */
export const STAGE_NAME_RULE = 'a short lowercase name: a letter, then up to 9 letters or digits';

/** The stack's id (and name): `Rapport`, or `<stage>-Rapport`. */
export function stackId(stage: string | undefined): string {
  return `${namePrefix(stage)}Rapport`;
}

/** What every physical name of a stage starts with: `<stage>-`, or nothing without a stage. */
export function namePrefix(stage: string | undefined): string {
  return stage === undefined ? '' : `${stage}-`;
}

/** The names fixed on AWS (what operators and event producers look for), for a stage or none. */
export function rapportNames(stage: string | undefined) {
  const p = namePrefix(stage);
  return {
    eventBus: `${p}rapport`,
    /** The source event producers put their events with: a stage has its own bus, so it needs no prefix. */
    eventSource: 'rapport.events',
    configurationSet: `${p}rapport`,
    /** End User Messaging SMS: the configuration set and the opt-out list. */
    sms: `${p}rapport`,
    httpApi: `${p}rapport`,
    dashboard: `${p}Rapport`,
    sweepSchedule: `${p}rapport-sweep`,
  } as const;
}

// By stack: a construct anywhere in it finds its stage's prefix without every part passing it down (the
// work queues and the state machines are named deep in the tree). Not tree context: a stack has children
// (the bootstrap version check) before its own constructor can set any. No CDK at run time: the CLI
// (npx rapport redrive --stage) reads the names from here.
const prefixes = new WeakMap<IConstruct, string>();

/** Sets the prefix of the physical names made in `stack` (before any of them is made). */
export function setNamePrefix(stack: Stack, prefix: string): void {
  prefixes.set(stack, prefix);
}

/** The prefix of the physical names made at `scope`: `<stage>-`, or `''` in a stack without a stage. */
export function namePrefixOf(scope: IConstruct): string {
  const stack = scope.node.scopes.findLast((s) => prefixes.has(s));
  return stack === undefined ? '' : prefixes.get(stack)!;
}
