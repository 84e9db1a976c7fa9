import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { STATE_MACHINE_NAME_PREFIX, stateMachineName } from '../domain/journey/state-machine-name';
import type { HandlerFunction } from './handler-function';
import type { JourneyStateMachine } from './journey-state-machine';
import { acknowledgeNag } from './nag';
import { namePrefixOf } from './stage';

export interface JourneyAccessProps {
  journeys: Record<string, JourneyStateMachine>;
  /** start-journey: the only function that calls StartExecution (the start queue's consumer). */
  starter: HandlerFunction;
  /**
   * The functions that apply events: they resume waits (SendTaskSuccess) and stop journeys at their goal
   * or an erasure: ingest-event, feedback (a survey answer is an event) and sweep (its recovery pass
   * finishes what ingest would have).
   */
  resumers: readonly HandlerFunction[];
  /**
   * The functions that decide journey starts and compute their input (queued for the starter):
   * ingest-event, feedback, sweep and sweep-worker. With the starter, updated before any state machine.
   */
  deciders: readonly HandlerFunction[];
  /**
   * delivery-events: a suppressed address stops that customer's marketing journeys, and an engagement
   * event (an open, a click) resumes the waits for it (SendTaskSuccess; it is never a goal, so no stop).
   */
  suppressor: HandlerFunction;
  /** The journeys the suppressor may stop. */
  marketing: ReadonlySet<string>;
}

const MACHINES =
  'Every Rapport journey is a state machine named [<stage>-]rapport-<journey id> (and only those are): the ' +
  'name prefix covers the journeys of this stack, however many there are, one action per statement.';
const EXECUTIONS =
  "A journey's goal event, an erasure, a start found stale or a higher-priority journey of its exclusive group stops that customer's execution; execution " +
  "names are only known at run time, so the grant covers the executions of this stack's state machines.";

/**
 * What the functions may do to journey executions: one statement per action on every Rapport state
 * machine by its name prefix (`[<stage>-]rapport-*`), so policies do not grow with the journeys; StartExecution for
 * the starter alone (the others queue their starts); the suppressor, one statement stopping the marketing
 * journeys' executions only. Never by a reference to a state machine, and each state machine is updated
 * after the functions that start journeys.
 */
export function grantJourneyAccess(props: JourneyAccessProps): void {
  // A queued start found converted or erased after it was made is stopped by the starter.
  grantOnAnyJourney(props.starter, 'StartExecution', 'stateMachine', MACHINES);
  grantOnAnyJourney(props.starter, 'StopExecution', 'execution', EXECUTIONS);
  for (const f of props.resumers) {
    // A wait-for-event step is resumed with its task token, which names its execution.
    grantOnAnyJourney(f, 'SendTaskSuccess', 'stateMachine', MACHINES);
    grantOnAnyJourney(f, 'StopExecution', 'execution', EXECUTIONS);
  }
  // Whoever decides starts may pre-empt a lower-priority journey of an exclusive group (the sweep's turns too).
  for (const f of props.deciders)
    if (!props.resumers.includes(f)) grantOnAnyJourney(f, 'StopExecution', 'execution', EXECUTIONS);
  grantStopMarketing(props);
  grantOnAnyJourney(props.suppressor, 'SendTaskSuccess', 'stateMachine', MACHINES);
  const first = [props.starter, ...props.deciders];
  for (const journey of Object.values(props.journeys)) startersFirst(journey, first);
}

function grantOnAnyJourney(
  f: HandlerFunction,
  action: string,
  resource: 'stateMachine' | 'execution',
  reason: string,
): void {
  const anyJourney = `${namePrefixOf(f)}${STATE_MACHINE_NAME_PREFIX}*`;
  const name = resource === 'execution' ? `${anyJourney}:*` : anyJourney;
  f.fn.addToRolePolicy(
    new PolicyStatement({ actions: [`states:${action}`], resources: [statesArn(f, resource, name)] }),
  );
  acknowledgeNag(
    f.fn.role!,
    `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:${resource}:${name}]`,
    reason,
  );
}

/** One statement for every marketing journey: a suppression must never stop a transactional one. */
function grantStopMarketing({ suppressor, marketing }: JourneyAccessProps): void {
  const ids = [...marketing].sort();
  if (ids.length === 0) return;
  const names = ids.map((id) => `${stateMachineName(id, namePrefixOf(suppressor))}:*`);
  suppressor.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['states:StopExecution'],
      resources: names.map((name) => statesArn(suppressor, 'execution', name)),
    }),
  );
  for (const name of names)
    acknowledgeNag(
      suppressor.fn.role!,
      `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}]`,
      "A suppressed address stops that customer's marketing executions; execution names are only known " +
        'at run time, so the grant covers the executions of this one marketing state machine.',
    );
}

function statesArn(f: HandlerFunction, resource: 'stateMachine' | 'execution', name: string): string {
  return Stack.of(f).formatArn({
    service: 'states',
    resource,
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * CloudFormation updates a resource after those it depends on. A decider computes a journey's first
 * computed wait instant into the execution input, which a new definition may begin by reading: an
 * execution that the old starter code starts on the new definition finds no instant and fails at its first
 * state, and its customer is recorded as entered (not chased again for the re-entry period). The other
 * order only adds an input field the old definition ignores. So each state machine waits for the deciders,
 * the starter and their roles' policies (the grants to start it exist before it changes). A start queued
 * by the old code and made after the update can still meet the new definition: the queue is drained in
 * seconds unless it has a backlog, which a definition change should wait out (README).
 */
function startersFirst(journey: JourneyStateMachine, starters: readonly HandlerFunction[]): void {
  const resource = journey.stateMachine.node.defaultChild!;
  for (const f of starters) resource.node.addDependency(f.fn.node.defaultChild!, f.fn.role!);
}
