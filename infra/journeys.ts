import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { Workflows } from '../domain/config/load';
import { marketingJourneys } from '../domain/messages/suppress';
import type { HandlerFunction } from './handler-function';
import { grantJourneyAccess, type JourneyAccessProps } from './journey-access';
import { JourneyStateMachine } from './journey-state-machine';
import { pascalCase } from './names';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';

export interface JourneysProps {
  functions: FunctionSettings;
  workflows: Workflows;
  /** The Task of `send` steps. */
  sendMessage: HandlerFunction;
  /** Where `task` steps publish their requests for a person. */
  eventBus: IEventBus;
  /** start-journey, and the functions that resume and stop journeys or decide starts (journey-access.ts). */
  access: Pick<JourneyAccessProps, 'starter' | 'resumers' | 'deciders'>;
  /** delivery-events: stops the marketing journeys of a suppressed address. */
  suppressor: HandlerFunction;
}

/** One Standard state machine per journey, the journey-step function their Tasks call, and who may run them. */
export class Journeys extends StackPart {
  readonly journeyStep: HandlerFunction;
  readonly stateMachines: Record<string, JourneyStateMachine> = {};

  constructor(scope: Construct, id: string, props: JourneysProps) {
    super(scope, id);
    const settings = props.functions;
    // branch, split and update steps: the step's definition travels in the Task input, so this handler
    // reads no workflows (no copy in its package) and needs only the table.
    this.journeyStep = rapportFunction(this, 'JourneyStep', settings, {
      name: 'journey-step',
      readsWorkflows: false,
      // Below the Task state's TimeoutSeconds (60) in the compiled journeys.
      timeout: Duration.seconds(15),
    });
    for (const loaded of props.workflows.journeys) {
      this.stateMachines[loaded.journey.id] = new JourneyStateMachine(
        this,
        `Journey${pascalCase(loaded.journey.id)}`,
        {
          loaded,
          sendMessage: props.sendMessage.fn,
          journeyStep: this.journeyStep.fn,
          eventBus: props.eventBus,
          logRetention: settings.logRetention,
        },
      );
    }
    grantJourneyAccess({
      journeys: this.stateMachines,
      ...props.access,
      suppressor: props.suppressor,
      marketing: new Set(marketingJourneys(props.workflows.journeys.map((l) => l.journey)).map((j) => j.id)),
    });
  }
}
