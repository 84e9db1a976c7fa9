import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { STATE_MACHINE_NAME_PREFIX, stateMachineName } from '../domain/journey/state-machine-name';
import type { HandlerFunction } from './handler-function';
import type { JourneyStateMachine } from './journey-state-machine';
import { acknowledgeNag } from './nag';

export interface JourneyAccessProps {
  journeys: Record<string, JourneyStateMachine>;
  /**
   * The functions that start journeys, and as they ingest events resume their waits (SendTaskSuccess) and
   * stop them at their goal: ingest-event, feedback (a survey answer is an event) and sweep (journeys
   * entered as time passes; its recovery pass finishes what ingest would have).
   */
  starters: readonly HandlerFunction[];
  /** delivery-events: a suppressed address stops that customer's marketing journeys. */
  suppressor: HandlerFunction;
  /** The journeys the suppressor may stop. */
  marketing: ReadonlySet<string>;
}

/**
 * What the functions may do to journey executions: the starters, one statement per action on every Rapport
 * state machine by its name prefix (`rapport-*`), so their policies do not grow with the journeys; the
 * suppressor, one statement stopping the marketing journeys' executions only. Never by a reference to a
 * state machine, and each state machine is updated after the starters.
 */
export function grantJourneyAccess(props: JourneyAccessProps): void {
  const journeys = Object.values(props.journeys);
  const anyJourney = `${STATE_MACHINE_NAME_PREFIX}*`;
  for (const f of props.starters) {
    const grant = (action: string, resource: 'stateMachine' | 'execution', reason: string) => {
      const name = resource === 'execution' ? `${anyJourney}:*` : anyJourney;
      f.fn.addToRolePolicy(
        new PolicyStatement({ actions: [`states:${action}`], resources: [statesArn(f, resource, name)] }),
      );
      acknowledgeNag(
        f.fn.role!,
        `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:${resource}:${name}]`,
        reason,
      );
    };
    const machines =
      'Every Rapport journey is a state machine named rapport-<journey id> (and only those are): the ' +
      'name prefix covers the journeys of this stack, however many there are, one action per statement.';
    grant('StartExecution', 'stateMachine', machines);
    // A wait-for-event step is resumed with its task token, which names its execution.
    grant('SendTaskSuccess', 'stateMachine', machines);
    grant(
      'StopExecution',
      'execution',
      "A journey's goal event stops that customer's execution; execution names are only known at run " +
        'time, so the grant covers the executions of the rapport-* state machines.',
    );
  }
  grantStopMarketing(props);
  for (const journey of journeys) startersFirst(journey, props.starters);
}

/** One statement for every marketing journey: a suppression must never stop a transactional one. */
function grantStopMarketing({ suppressor, marketing }: JourneyAccessProps): void {
  const ids = [...marketing].sort();
  if (ids.length === 0) return;
  const names = ids.map((id) => `${stateMachineName(id)}:*`);
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
 * CloudFormation updates a resource after those it depends on. A starter computes a journey's first
 * computed wait instant into the execution input, which a new definition may begin by reading: an
 * execution that the old starter code starts on the new definition finds no instant and fails at its first
 * state, and its customer is recorded as entered (not chased again for the re-entry period). The other
 * order only adds an input field the old definition ignores. So each state machine waits for the starter
 * functions and for their roles' policies (the grants to start it exist before it changes).
 */
function startersFirst(journey: JourneyStateMachine, starters: readonly HandlerFunction[]): void {
  const resource = journey.stateMachine.node.defaultChild!;
  for (const f of starters) resource.node.addDependency(f.fn.node.defaultChild!, f.fn.role!);
}
