import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { WAIT_FOR_CALLBACK_RESOURCE } from '../domain/journey/compile';
import { stateMachineArns } from '../domain/journey/state-machine-name';
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

const LOCAL_ARN_PREFIX = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:`;

export function localStateMachineArn(name: string): string {
  return `${LOCAL_ARN_PREFIX}${name}`;
}

/** Every journey's local state machine ARN, named as on AWS (stateMachineName). */
export function localStateMachineArns(journeyIds: readonly string[]): Record<string, string> {
  return stateMachineArns(LOCAL_ARN_PREFIX, journeyIds);
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
 * Building a state machine validates it (100–300 ms each: most of a runtime's start-up). A machine holds
 * no execution state, so one built for a definition serves every runtime in this process; and a text
 * the interpreter accepted once is accepted again (validation depends only on the text and the
 * interpreter's version), so later processes — the next `npm start`, every test file — build it without
 * validating again. An invalid definition is never remembered: it is refused every time.
 */
const VALIDATED = new Map<string, StateMachine>();

function validatedMachine(text: string, definition: StateMachineDefinition): StateMachine {
  let machine = VALIDATED.get(text);
  if (machine) return machine;
  const marker = validMarker(text);
  const known = marker !== undefined && existsSync(marker);
  machine = new StateMachine(definition, {
    validationOptions: known ? { noValidate: true } : { checkArn: false },
  });
  if (!known && marker !== undefined) remember(marker);
  VALIDATED.set(text, machine);
  return machine;
}

/** Where a definition's "accepted" marker lives: node_modules/.cache, keyed by interpreter version and text. */
function validMarker(text: string): string | undefined {
  try {
    // The package exports no package.json; its entry point sits below its root, in node_modules.
    const entry = require.resolve('aws-local-stepfunctions');
    const root = entry.slice(
      0,
      entry.lastIndexOf('aws-local-stepfunctions') + 'aws-local-stepfunctions'.length,
    );
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const key = createHash('sha256').update(`${version}\n${text}`).digest('hex');
    return join(root, '..', '.cache', 'rapport-valid-asl', key);
  } catch {
    return undefined;
  }
}

function remember(marker: string): void {
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '');
  } catch {
    // A read-only install only loses the shortcut: the next process validates again.
  }
}
