import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { WAIT_FOR_CALLBACK_RESOURCE } from '../domain/journey/compile';
import { definitionHash } from './execution-journal';
import type { TaskHandlers } from './execution-runner';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';

/** One ASL version of a journey, as compiled and as deployed (after substitution). */
export interface Version {
  hash: string;
  stateMachineName: string;
  /** The ASL text exactly as compiled (before substitution): the same string CDK deploys. */
  asl: string;
  /** After substitution, as DescribeStateMachine shows it on AWS. */
  deployedDefinition: string;
  definition: StateMachineDefinition;
  /** Built once, for executions that start at the top. */
  machine: StateMachine;
}

export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

/** `${Name}` definition substitutions, as CloudFormation's DefinitionSubstitutions applies them. */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
}

/**
 * Builds a version of a state machine: validated for a deployment (an invalid one is refused); not
 * validated again when it comes back from the journal to resume an execution. Either way every Task must
 * have its local function.
 */
export function buildVersion(
  stateMachineName: string,
  asl: string,
  {
    tasks,
    substitutions,
    validate,
  }: { tasks: TaskHandlers; substitutions: Record<string, string>; validate: boolean },
): Version {
  const deployedDefinition = substitute(asl, substitutions);
  const definition = JSON.parse(deployedDefinition) as StateMachineDefinition;
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const resource =
      state.Resource === WAIT_FOR_CALLBACK_RESOURCE
        ? (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName
        : state.Resource;
    if (!resource || !tasks[resource])
      throw new Error(
        `${stateMachineName}: state "${stateName}" uses ${String(resource)}, which the local runtime does not provide`,
      );
  }
  const machine = validate
    ? validatedMachine(deployedDefinition, definition)
    : new StateMachine(definition, { validationOptions: { noValidate: true } });
  return { hash: definitionHash(asl), stateMachineName, asl, deployedDefinition, definition, machine };
}

/**
 * Building a state machine validates it (170–340 ms each, most of a runtime's start-up); a machine holds
 * no execution state, so one built for a definition serves every runtime in this process.
 */
const VALIDATED = new Map<string, StateMachine>();

function validatedMachine(text: string, definition: StateMachineDefinition): StateMachine {
  let machine = VALIDATED.get(text);
  if (!machine) {
    machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
    VALIDATED.set(text, machine);
  }
  return machine;
}
