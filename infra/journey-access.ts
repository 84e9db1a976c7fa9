import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { HandlerFunction } from './handler-function';
import { journeyStateMachineArn, stateMachineName, type JourneyStateMachine } from './journey-state-machine';
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
 * What the functions may do to journey executions, with every state machine named by its ARN built from
 * its fixed name, never by a reference to the resource; and each state machine updated after the starters.
 */
export function grantJourneyAccess(props: JourneyAccessProps): void {
  for (const [id, journey] of Object.entries(props.journeys)) {
    // The grants CDK derives from a state machine, made on the state machine as named: the same actions on
    // the same ARN, without a reference that would make the starters depend on it.
    const named = StateMachine.fromStateMachineArn(journey, 'ByName', journeyStateMachineArn(journey, id));
    for (const f of props.starters) {
      named.grantStartExecution(f.fn);
      named.grantTaskResponse(f.fn);
    }
    const stoppers = props.marketing.has(id) ? [...props.starters, props.suppressor] : props.starters;
    for (const f of stoppers) grantStop(f, id);
    startersFirst(journey, props.starters);
  }
}

function grantStop(f: HandlerFunction, journeyId: string): void {
  const stack = Stack.of(f);
  const name = stateMachineName(journeyId);
  f.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['states:StopExecution'],
      resources: [`arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${name}:*`],
    }),
  );
  acknowledgeNag(
    f.fn.role!,
    `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
    "A journey's goal event, or a suppressed address, stops that customer's execution; execution " +
      'names are only known at run time, so the grant covers the executions of this one state machine.',
  );
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
