import { ArnFormat, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { LoadedJourney } from '../domain/config/load';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS, TASK_EVENT } from '../domain/journey/compile';
import { stateMachineName } from '../domain/journey/state-machine-name';
import { acknowledgeNag } from './nag';
import { namePrefixOf } from './stage';

export interface JourneyStateMachineProps {
  loaded: LoadedJourney;
  /** The Task of `send` steps. */
  sendMessage: IFunction;
  /** The Task of `branch`, `split` and `update` steps. */
  journeyStep: IFunction;
  /** Where `task` steps publish their requests for a person (the events:putEvents integration). */
  eventBus: IEventBus;
  logRetention: RetentionDays;
}

/**
 * The ARN of every journey's state machine but its name (`arn:<partition>:states:<region>:<account>:stateMachine:`,
 * then the stage's `<stage>-`):
 * the functions find a journey by it and its fixed name (domain/journey/state-machine-name.ts), rather than
 * by a reference to the resource. What names a state machine this way does not depend on it, so the state
 * machine can be made to wait for it (the journey starters go first on every deploy, see journey-access.ts),
 * and no per-journey setting grows with the number of journeys.
 */
export function stateMachineArnPrefix(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: namePrefixOf(scope),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

interface AslStates {
  States?: Record<
    string,
    {
      Type?: string;
      Resource?: string;
      Branches?: AslStates[];
      ItemProcessor?: AslStates;
      Iterator?: AslStates;
    }
  >;
}

/** Every `Resource` the Task states of an ASL definition name, those inside Parallel and Map states included. */
export function taskResources(asl: string): Set<string> {
  const found = new Set<string>();
  const visit = (machine: AslStates | undefined): void => {
    for (const state of Object.values(machine?.States ?? {})) {
      if (state.Type === 'Task' && typeof state.Resource === 'string') found.add(state.Resource);
      state.Branches?.forEach(visit);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(JSON.parse(asl) as AslStates);
  return found;
}

/**
 * One Standard state machine running one journey. The definition is the compiled ASL text as is, so
 * what is deployed is byte for byte what the local runtime executes; only `${…}` substitutions differ.
 */
export class JourneyStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: JourneyStateMachineProps) {
    super(scope, id);
    const { journey, asl, file } = props.loaded;
    const name = stateMachineName(journey.id, namePrefixOf(this));
    // Every journey gets every substitution, whichever steps it uses today (CloudFormation ignores the ones a
    // definition does not name): editing a journey to add a branch or a task then changes no substitution.
    const substitutions: Record<string, string> = {
      [SUBSTITUTIONS.sendMessage]: props.sendMessage.functionArn,
      [SUBSTITUTIONS.journeyStep]: props.journeyStep.functionArn,
      // The bus's name, as `task` states put it in Entries[].EventBusName.
      [SUBSTITUTIONS.eventBus]: props.eventBus.eventBusName,
    };

    // A placeholder nobody fills would reach Step Functions as text and fail only at run time.
    const unfilled = [...asl.matchAll(/\$\{([^}]+)\}/g)]
      .map((m) => m[1])
      .filter((n) => n && !(n in substitutions));
    if (unfilled.length) {
      throw new Error(
        `${file}: the compiled journey uses \${${unfilled.join('}, ${')}}, which infra/ does not provide`,
      );
    }

    // Under /aws/vendedlogs/ so that CloudWatch Logs' account-wide delivery policy covers every journey with
    // one wildcard instead of one ARN each (that policy is capped at 5,120 characters). A fixed name must go
    // with the stack: a retained one would make re-adding the journey later fail with "already exists".
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(asl),
      definitionSubstitutions: substitutions,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Scoped to the unqualified ARNs the ASL names; `grantInvoke` would also allow every version and alias (`:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.sendMessage.functionArn, props.journeyStep.functionArn],
      }),
    );
    // Only journeys with a `task` step may publish, only on the Rapport bus and only as rapport.journeys: a
    // journey can never pose as an event producer (rapport.events), whose events the ingest rule takes in.
    if (taskResources(asl).has(PUT_EVENTS_RESOURCE)) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [props.eventBus.eventBusArn],
          conditions: { StringEquals: { 'events:source': TASK_EVENT.source } },
        }),
      );
    }
    Tags.of(this.stateMachine).add('rapport:journey', journey.id);
    Tags.of(this.stateMachine).add('rapport:journey-version', String(journey.version));

    acknowledgeNag(
      this.stateMachine.role,
      'IAM5[Resource::*]',
      'Generated by CDK for logging level ALL and tracing: the CloudWatch Logs delivery actions ' +
        '(logs:CreateLogDelivery, logs:PutResourcePolicy, logs:DescribeLogGroups, ...) and ' +
        'xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets do not support resource-level permissions.',
    );
  }
}
