import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { MiddlewareStack } from '@smithy/types';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import sesServer from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createCustomerStore } from '../adapters/dynamodb/customer-store';
import { ensureTable } from '../adapters/dynamodb/table';
import { createSesMailer } from '../adapters/email/ses-mailer';
import { createSmsSender } from '../adapters/sms/end-user-messaging';
import { createLexiconClassifier } from '../adapters/sentiment/lexicon';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { createLifecyclePublisher } from '../adapters/eventbridge/lifecycle-publisher';
import { createJourneyStarter } from '../adapters/stepfunctions/journey-starter';
import type { Clock } from '../domain/clock';
import type { LifecycleDeps } from '../domain/ports';
import { recoverStaleClaims, type RecoveryResult } from '../domain/recover';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS } from '../domain/journey/compile';
import { createRenderer } from '../domain/messages/render';
import { createIngestEventHandler } from '../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../functions/journey-step/handler';
import type { FunctionName } from '../functions/routes';
import { createSendMessageHandler } from '../functions/send-message/handler';
import { createObservability } from '../functions/shared/observability';
import { createSweepHandler, logRecovery } from '../functions/sweep/handler';
import { createUnsubscribeHandler } from '../functions/unsubscribe/handler';
import { Activity } from './activity';
import { LocalEventBus, type LocalBusEvent } from './eventbridge';
import { LocalSmsOutbox } from './sms-outbox';
import { createDeliveryEventsHandler } from '../functions/delivery-events/handler';
import { createFeedbackHandler } from '../functions/feedback/handler';
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import { installLongTimers } from './long-timers';
import { LocalHttpApi } from './http-api';
import { invokeLambda, localLambdaArn, LOCAL_REGION, type LambdaHandler } from './lambda';
import { ExecutionJournal } from './execution-journal';
import { LocalStepFunctions, localStateMachineArn, type ResumeReport } from './stepfunctions';
import { lockDataDir } from './instance-lock';
import { addLocalRoutes, tasksOf } from './local-routes';
import { containServer, keepIdleConnections, listenOn, PortInUseError } from './serve-safely';

/** What the local runtime signs links in emails with when no secret is given: local use only. */
export const LOCAL_LINK_SECRET = 'local-only-link-signing-secret';

export interface LocalRuntimeOptions {
  /** Where dynalite keeps its LevelDB files; omit for an in-memory table (tests). */
  dataDir?: string;
  workflowsDir: string;
  clock: Clock;
  /** 0 picks free ports (tests). */
  ports?: Partial<Record<'api' | 'ses' | 'dynamodb' | 'stepFunctions' | 'eventBridge' | 'sms', number>>;
  host?: string;
  tableName?: string;
  sender?: string;
  /** Signs unsubscribe links; any string will do locally. */
  linkSecret?: string;
  /** How often the sweeper runs (as EventBridge Scheduler does on AWS); 0 turns it off. Default 1 hour. */
  sweepEveryMs?: number;
}

export interface LocalRuntime {
  urls: {
    api: string;
    inbox: string;
    ses: string;
    dynamodb: string;
    stepFunctions: string;
    eventBridge: string;
    /** The End User Messaging SMS API on this machine. */
    sms: string;
    /** The SMS outbox page (JSON at /_local/sms): every text message sent, and a form to reply STOP. */
    smsOutbox: string;
  };
  dataDir: string | undefined;
  /** The workflows deployed now. */
  readonly workflows: Workflows;
  /**
   * Loads the workflows again and deploys them, as `cdk deploy` does on AWS: executions in flight finish
   * on the definition they started with; new entries start on the new one. Throws ConfigValidationError
   * (and changes nothing) if the workflows are invalid.
   */
  redeploy(): Workflows;
  tableName: string;
  clients: {
    dynamodb: DynamoDBClient;
    ses: SESClient;
    sfn: SFNClient;
    eventBridge: EventBridgeClient;
    sms: PinpointSMSVoiceV2Client;
  };
  /** Every text message sent (on AWS: End User Messaging SMS), oldest first. */
  outbox: LocalSmsOutbox;
  stepFunctions: LocalStepFunctions;
  /** What journeys' `task` steps published to the event bus (on AWS: EventBridge), oldest first. */
  readonly tasks: LocalBusEvent[];
  /** Everything on the local event bus: tasks, and stage and tier changes. */
  bus: LocalEventBus;
  activity: Activity;
  /** The events a delivery claimed and never finished before the last stop, finished at this start. */
  recoveredAtStart: RecoveryResult;
  /** The executions that were running at the last stop or crash, resumed at this start. */
  resumedAtStart: ResumeReport;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/**
 * The local servers never throttle, so a failed call (a socket closed under it) is retried at once. A
 * back-off would be a timer, and under virtual time a timer waited on by work in flight is one that time
 * must jump over, which would shift every timestamp after it.
 */
const RETRY_AT_ONCE = new ConfiguredRetryStrategy(3, 0);
const EVENT_BUS = 'rapport';

/**
 * Rapport on this machine, with no AWS account: dynalite for DynamoDB, aws-ses-v2-local for SES,
 * aws-local-stepfunctions for the compiled journeys, and the same handler modules as on Lambda,
 * talking to all three through the real AWS SDK clients.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const ports = { api: 0, ses: 0, dynamodb: 0, stepFunctions: 0, eventBridge: 0, sms: 0, ...options.ports };
  const tableName = options.tableName ?? 'rapport';
  let workflows = loadWorkflows(options.workflowsDir);
  const activity = new Activity();
  const closers: (() => Promise<void>)[] = [];
  const uninstallLongTimers = installLongTimers();
  closers.push(async () => uninstallLongTimers());

  try {
    if (options.dataDir) {
      // Before dynalite opens LevelDB there: a second runtime on one folder gets a clear refusal.
      const lock = lockDataDir(options.dataDir);
      closers.push(async () => lock.release());
    }
    const dynamo = dynalite({
      createTableMs: 0,
      ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
    });
    containServer(dynamo, 'the local DynamoDB (dynalite)');
    const dynamodbUrl = await listenOn(dynamo, ports.dynamodb, host, 'DynamoDB');
    closers.push(() => closeServer(dynamo));

    const sesUrl = await startSes(host, ports.ses, closers);
    const common = { region: LOCAL_REGION, credentials: CREDENTIALS, retryStrategy: RETRY_AT_ONCE };
    const dynamodb = new DynamoDBClient({ ...common, endpoint: dynamodbUrl });
    // The local Step Functions keeps its executions beside Rapport's table, so they survive a restart.
    const journal = new ExecutionJournal(dynamodb, `${tableName}-local-executions`);
    const stepFunctions = new LocalStepFunctions(activity, journal, () => options.clock.now());
    const stepFunctionsUrl = await stepFunctions.listen(ports.stepFunctions, host);
    closers.push(() => stepFunctions.close());

    const bus = new LocalEventBus(EVENT_BUS, () => options.clock.now(), activity);
    const eventBridgeUrl = await bus.listen(ports.eventBridge, host);
    closers.push(() => bus.close());

    const outbox = new LocalSmsOutbox(() => options.clock.now(), activity);
    const smsUrl = await outbox.listen(ports.sms, host);
    closers.push(() => outbox.close());

    const clients = {
      dynamodb,
      // aws-ses-v2-local never answers actions it lacks: a request timeout turns a hang into an error.
      ses: new SESClient({
        ...common,
        endpoint: sesUrl,
        requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, throwOnRequestTimeout: true }),
      }),
      sfn: new SFNClient({ ...common, endpoint: stepFunctionsUrl }),
      eventBridge: new EventBridgeClient({ ...common, endpoint: eventBridgeUrl }),
      sms: new PinpointSMSVoiceV2Client({ ...common, endpoint: smsUrl }),
    };
    trackActivity(clients.dynamodb, activity);
    trackActivity(clients.ses, activity);
    trackActivity(clients.sfn, activity);
    trackActivity(clients.eventBridge, activity);
    trackActivity(clients.sms, activity);
    closers.push(async () => Object.values(clients).forEach((c) => c.destroy()));
    await ensureTable(clients.dynamodb, tableName);
    await journal.open();

    const observability = () => createObservability();
    const store = createCustomerStore(clients.dynamodb, tableName);
    const linkSecret = options.linkSecret ?? LOCAL_LINK_SECRET;
    const api = new LocalHttpApi(
      (fn, event) => invoke(fn, event) as Promise<APIGatewayProxyStructuredResultV2>,
      activity,
      () => options.clock.now(),
    );
    const apiUrl = await api.listen(ports.api, host);
    closers.push(() => api.close());

    const publisher = createLifecyclePublisher(clients.eventBridge, EVENT_BUS);
    // What both ways a customer moves along the lifecycle (an event, or time passing) need.
    const lifecycleDepsOf = (w: Workflows): LifecycleDeps => ({
      store,
      starter: createJourneyStarter(
        clients.sfn,
        Object.fromEntries(
          w.journeys.map((j) => [j.journey.id, localStateMachineArn(`rapport-${j.journey.id}`)]),
        ),
      ),
      clock: options.clock,
      lifecycle: w.lifecycle,
      calendar: w.calendar,
      publisher,
      journeys: w.journeys.map((j) => j.journey),
    });
    /** The handlers, wired to the workflows as loaded: rebuilt when a redeploy brings new ones. */
    const buildHandlers = (w: Workflows): Record<FunctionName, LambdaHandler<never, unknown>> => {
      const lifecycleDeps = lifecycleDepsOf(w);
      return {
        'ingest-event': createIngestEventHandler({
          ...observability(),
          ...lifecycleDeps,
          sentiment: createLexiconClassifier(),
          eventTimes: w.settings.events,
        }) as LambdaHandler<never, unknown>,
        'send-message': createSendMessageHandler({
          ...observability(),
          store,
          mailer: createSesMailer(clients.ses, {}),
          sms: createSmsSender(clients.sms, { configurationSet: 'rapport' }),
          renderer: createRenderer(w),
          settings: w.settings,
          clock: options.clock,
          sender: options.sender ?? `${w.settings.brand.name} <hello@rapport.local>`,
          publicBaseUrl: apiUrl,
          linkSecret: async () => linkSecret,
        }) as LambdaHandler<never, unknown>,
        unsubscribe: createUnsubscribeHandler({
          ...observability(),
          store,
          clock: options.clock,
          linkSecret: async () => linkSecret,
          brandName: w.settings.brand.name,
          locales: w.settings.locales,
          defaultLocale: w.settings.defaultLocale,
          topics: w.settings.topics,
        }) as LambdaHandler<never, unknown>,
        'journey-step': createJourneyStepHandler({
          ...observability(),
          store,
          clock: options.clock,
        }) as LambdaHandler<never, unknown>,
        sweep: createSweepHandler({ ...observability(), ...lifecycleDeps }) as LambdaHandler<never, unknown>,
        feedback: createFeedbackHandler({
          ...observability(),
          ...lifecycleDeps,
          sentiment: createLexiconClassifier(),
          linkSecret: async () => linkSecret,
          brandName: w.settings.brand.name,
          locales: w.settings.locales,
          defaultLocale: w.settings.defaultLocale,
        }) as LambdaHandler<never, unknown>,
        'delivery-events': createDeliveryEventsHandler({
          ...observability(),
          ...lifecycleDeps,
        }) as LambdaHandler<never, unknown>,
      };
    };
    let handlers = buildHandlers(workflows);
    const invoke = (fn: FunctionName, event: unknown) =>
      invokeLambda(`rapport-${fn}`, handlers[fn], event as never);

    const sendMessageArn = localLambdaArn('rapport-send-message');
    const journeyStepArn = localLambdaArn('rapport-journey-step');
    // The journeys' events:putEvents integration goes straight to the same local bus.
    const putEvents = async (input: unknown) => bus.putEvents(input as never);
    const deploy = (w: Workflows) =>
      stepFunctions.deploy(
        w.journeys,
        {
          [SUBSTITUTIONS.sendMessage]: sendMessageArn,
          [SUBSTITUTIONS.journeyStep]: journeyStepArn,
          [SUBSTITUTIONS.eventBus]: EVENT_BUS,
        },
        {
          [sendMessageArn]: (input) => invoke('send-message', input),
          [journeyStepArn]: (input) => invoke('journey-step', input),
          [PUT_EVENTS_RESOURCE]: putEvents,
        },
      );
    deploy(workflows);
    // Events a delivery claimed and then lost to a crash or kill -9 before the last stop: finished now,
    // all of them (this runtime holds the data folder's lock, so no claim there has a live holder).
    const recoveredAtStart = await recoverStaleClaims(lifecycleDepsOf(workflows), { everyClaim: true });
    logRecovery(recoveredAtStart, observability());
    // Every journey that was running at the last stop or crash, from where it waited, on its own version.
    const resumedAtStart = await stepFunctions.resume();

    const sweepEvery = options.sweepEveryMs ?? 3_600_000;
    if (sweepEvery > 0) {
      const timer = setInterval(() => {
        void activity
          .track(() => invoke('sweep', {}))
          .catch((e: unknown) => console.error('sweep failed:', e));
      }, sweepEvery);
      timer.unref?.();
      closers.push(async () => clearInterval(timer));
    }

    addLocalRoutes(api, {
      bus,
      outbox,
      stepFunctions,
      inboxUrl: `${sesUrl}/`,
      // What SNS would deliver on AWS: a reply to a text message (two-way SMS), and SES feedback.
      notify: (message) => invoke('delivery-events', snsEvent(message, options.clock.now())),
    });

    return {
      urls: {
        api: apiUrl,
        inbox: `${sesUrl}/`,
        ses: sesUrl,
        dynamodb: dynamodbUrl,
        stepFunctions: stepFunctionsUrl,
        eventBridge: eventBridgeUrl,
        sms: smsUrl,
        smsOutbox: `${apiUrl}/_local/outbox`,
      },
      dataDir: options.dataDir,
      get workflows() {
        return workflows;
      },
      redeploy() {
        // Validated in full before anything changes: an invalid edit leaves the running version in place.
        const next = loadWorkflows(options.workflowsDir);
        handlers = buildHandlers(next);
        deploy(next);
        workflows = next;
        return next;
      },
      tableName,
      clients,
      stepFunctions,
      get tasks() {
        return tasksOf(bus);
      },
      bus,
      outbox,
      activity,
      recoveredAtStart,
      resumedAtStart,
      stop: async () => {
        // Work still in flight (a send finishing, a claim being marked done) would otherwise write to a
        // closed dynalite, which throws outside any request and ends the process.
        await activity.drained();
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw e;
  }
}

/** One SNS notification as Lambda receives it from a subscription. */
export function snsEvent(message: unknown, now: Date): SNSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `arn:aws:sns:${LOCAL_REGION}:000000000000:rapport-local:${messageId}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: `arn:aws:sns:${LOCAL_REGION}:000000000000:rapport-local`,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: now.toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Counts every SDK call as work in flight, so that virtual time never jumps during one. */
function trackActivity<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  activity: Activity,
): void {
  client.middlewareStack.add((next) => (args) => activity.track(() => next(args)), {
    step: 'initialize',
    name: 'rapportActivity',
  });
}

/**
 * aws-ses-v2-local listens through express, which hands a listen error (a busy port) to the callback as
 * if it were success: the server it returns is then simply not listening.
 */
async function startSes(host: string, port: number, closers: (() => Promise<void>)[]): Promise<string> {
  const ses: Server = await sesServer({ host, port });
  if (!ses.listening) throw new PortInUseError('SES', port, host);
  keepIdleConnections(ses);
  closers.push(() => closeServer(ses));
  containServer(ses, 'the local SES (aws-ses-v2-local)');
  return `http://${host}:${(ses.address() as AddressInfo).port}`;
}

function closeServer(server: {
  close(cb: (e?: Error) => void): unknown;
  closeAllConnections?: () => void;
}): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
