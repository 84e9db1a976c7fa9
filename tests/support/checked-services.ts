import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createLifecyclePublisher } from '../../adapters/eventbridge/lifecycle-publisher';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import {
  createJourneyStarter,
  executionArnFor,
  queuedStarter,
} from '../../adapters/stepfunctions/journey-starter';
import type { Clock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { Journey } from '../../domain/journey/schema';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import type { LifecycleDeps, StartRequest } from '../../domain/ports';
import type { FunctionName } from '../../functions/routes';
import { startDynalite, type LocalDynamo, type Table } from '../handlers/support';
import { grantedTo } from './grants';
import { WORKFLOWS_DIR } from './paths';

/*
 * The AWS services a handler reaches through its production adapters, mocked (aws-sdk-client-mock): each
 * handler gets them wrapped in grantedTo(<its function>, client), so a call its role is not granted fails
 * the test naming the function and the action (tests/support/grants.ts).
 */

/** The ARN of a journey's state machine, but for its id. */
export const JOURNEY_ARN_PREFIX = 'arn:aws:states:eu-west-1:123456789012:stateMachine:rapport-';
/** The start queue, as lifecycleDepsFromEnv puts journey starts on it (start-journey consumes it). */
const STARTS_URL = 'https://sqs.eu-west-1.amazonaws.com/1/rapport-starts';
export const queueUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;

const workflows = loadWorkflows(WORKFLOWS_DIR);

/** SQS's answer to a SendMessageBatch whose every message it took. */
export const batchSent = (input: SendMessageBatchCommandInput) => ({
  Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
  Failed: [],
});

/** The services' clients and their mocks, answering each call as AWS would when it goes well. */
export function mockedServices(startDate: string) {
  const offline = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const clients = {
    sfn: new SFNClient(offline),
    sqs: new SQSClient(offline),
    eventBridge: new EventBridgeClient(offline),
    comprehend: new ComprehendClient(offline),
    secrets: new SecretsManagerClient(offline),
  };
  const stubs = {
    sfn: mockClient(clients.sfn),
    sqs: mockClient(clients.sqs),
    eventBridge: mockClient(clients.eventBridge),
    comprehend: mockClient(clients.comprehend),
    secrets: mockClient(clients.secrets),
  };
  /** Forgets the calls and any test's own answers, and answers as AWS would again. */
  const reset = () => {
    for (const stub of Object.values(stubs)) stub.reset();
    stubs.sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => ({
      executionArn: executionArnFor(input.stateMachineArn ?? '', input.name ?? ''),
      startDate: new Date(startDate),
    }));
    stubs.sfn.on(StopExecutionCommand).resolves({});
    stubs.sfn.on(SendTaskSuccessCommand).resolves({});
    stubs.sqs.on(SendMessageBatchCommand).callsFake(batchSent);
    stubs.eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-1' }] });
    stubs.comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE' });
    stubs.secrets.on(GetSecretValueCommand).resolves({ SecretString: 'checked-services-secret' });
  };
  reset();
  const restore = () => Object.values(stubs).forEach((stub) => stub.restore());
  return { clients, stubs, reset, restore };
}
export type MockedServices = ReturnType<typeof mockedServices>;

/**
 * For a handler test file on dynalite and these services: dynalite started once, and before each test a
 * fresh table (handed to `fresh`) and the services' mocks reset.
 */
export function servicesOnDynalite(startDate: string, fresh: (table: Table) => void): MockedServices {
  const services = mockedServices(startDate);
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    services.restore();
    await dynamo?.stop();
  });
  beforeEach(async () => {
    if (!dynamo) throw new Error('dynalite did not start');
    fresh(await dynamo.freshTable());
    services.reset();
  });
  return services;
}

/** What was put on the queue at `url`, parsed, in order. */
export function queued<T>(services: MockedServices, url: string): T[] {
  return services.stubs.sqs
    .commandCalls(SendMessageBatchCommand)
    .filter((c) => c.args[0].input.QueueUrl === url)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => JSON.parse(e.MessageBody ?? 'null') as T);
}

/** The journey starts queued, by execution name (start-journey makes one execution of each name). */
export function queuedStarts(services: MockedServices): Map<string, StartRequest['input']> {
  return new Map(queued<StartRequest>(services, STARTS_URL).map((r) => [r.executionName, r.input]));
}

/** The executions stopped (StopExecution), by ARN. */
export function stoppedExecutions(services: MockedServices): string[] {
  return services.stubs.sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn ?? '');
}

/** A direct starter as `fn`: Step Functions' own calls (delivery-events; the queued starter's resume, stop). */
export function directStarter(fn: FunctionName, services: MockedServices, journeys = shippedJourneys()) {
  const arns = stateMachineArns(
    JOURNEY_ARN_PREFIX,
    journeys.map((j) => j.id),
  );
  return createJourneyStarter(grantedTo(fn, services.clients.sfn), arns);
}

export const shippedJourneys = (): Journey[] => workflows.journeys.map((j) => j.journey);

/**
 * `fn`'s lifecycle dependencies as functions/shared/lifecycle-deps.ts wires them in Lambda: `table` as its
 * role lets it be used, its starts queued on the start queue, its changes announced on EventBridge.
 */
export function checkedLifecycleDeps(
  fn: FunctionName,
  table: Table,
  services: MockedServices,
  clock: Clock,
  journeys: readonly Journey[] = shippedJourneys(),
): LifecycleDeps {
  return {
    store: table.storeFor(fn),
    starter: queuedStarter(
      directStarter(fn, services, [...journeys]),
      sqsWorkQueue(grantedTo(fn, services.clients.sqs), STARTS_URL),
    ),
    clock,
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    journeys,
    publisher: createLifecyclePublisher(grantedTo(fn, services.clients.eventBridge), 'rapport'),
  };
}

/**
 * For the production wiring that creates its own client (`traced(new XClient({}))`: the link secret, the
 * lazy Comprehend classifier): hands it `client` instead, the mocked one checked against `fn`'s role.
 */
export function checkedAs<T extends Parameters<typeof grantedTo>[1]>(fn: FunctionName, client: T) {
  const checked = grantedTo(fn, client);
  return <C>(created: C): C => {
    void created;
    return checked as unknown as C;
  };
}
