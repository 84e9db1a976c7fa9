import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLifecyclePublisher } from '../adapters/eventbridge/lifecycle-publisher';

import { createSesMailer } from '../adapters/email/ses-mailer';
import { createSmsSender } from '../adapters/sms/end-user-messaging';
import { createJourneyStarter } from '../adapters/stepfunctions/journey-starter';
import type { Clock } from '../domain/clock';
import type { CustomerStore } from '../domain/ports';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import type { RecoveryResult } from '../domain/recover';
import { Activity } from './activity';
import { LocalEngagement } from './engagement';
import { Closers } from './closers';
import { LocalDeployment } from './deployment';
import type { HandlerWiring } from './handlers';
import { EVENT_BUS, startEmulators, type LocalEmulators } from './emulators';
import type { LocalBusEvent, LocalEventBus } from './eventbridge';
import { LocalHttpApi } from './http-api';
import { customersAt, readCustomerItems } from '../adapters/dynamodb/customer-partition';
import { mountConsole, readSnapshot } from './console/routes';
import { sentSms, sesStoreReader } from './console/delivered';
import { addLocalRoutes, tasksOf } from './local-routes';
import { installLongTimers } from './long-timers';
import type { Ports } from './ports';
import type { LocalSmsOutbox } from './sms-outbox';
import { snsEvent } from './sns';
import { routeExecutionEnds } from './execution-ends';
import { recoverAtStart, type StartupReport } from './startup';
import type { LocalStepFunctions, ResumeReport } from './stepfunctions';
import { localCustomerStore, startStore, type LocalStore } from './store';
import { startSweeper } from './sweeper';

export { snsEvent } from './sns';
export type { StartupReport } from './startup';

/** What the local runtime signs links in emails with when no secret is given: local use only. */
export const LOCAL_LINK_SECRET = 'local-only-link-signing-secret';

export interface LocalRuntimeOptions {
  /** Where dynalite keeps its LevelDB files; omit for an in-memory table (tests). */
  dataDir?: string;
  workflowsDir: string;
  clock: Clock;
  /** 0 picks free ports (tests). */
  ports?: Partial<Ports>;
  host?: string;
  tableName?: string;
  sender?: string;
  /** Signs unsubscribe links; any string will do locally. */
  linkSecret?: string;
  /** How often the sweeper runs (as EventBridge Scheduler does on AWS); 0 turns it off. Default 1 hour. */
  sweepEveryMs?: number;
  /**
   * Tests only: wraps the store the handlers use (tests/support/pin-arms.ts pins customers' split arms so).
   * `npm start` never sets it, and the Lambdas' wiring (functions/index.ts) has no such hook.
   */
  decorateStore?: (store: CustomerStore) => CustomerStore;
  /** Tests only, with no dataDir: the due index's shards (see LocalStoreOptions.dueShards). */
  dueShards?: number;
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
  /** What this start found left over from the last stop and finished, in numbers. */
  startup: StartupReport;
  stop(): Promise<void>;
}

/**
 * Rapport on this machine, with no AWS account: dynalite for DynamoDB, aws-ses-v2-local for SES,
 * aws-local-stepfunctions for the compiled journeys, and the same handler modules as on Lambda,
 * talking to all three through the real AWS SDK clients. Each piece is started in order and added to
 * one list of closers, which `stop` (or a failed start) closes in reverse.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { clock, dataDir } = options;
  const host = options.host ?? '127.0.0.1';
  const ports = { api: 0, ses: 0, dynamodb: 0, stepFunctions: 0, eventBridge: 0, sms: 0, ...options.ports };
  const now = () => clock.now();
  const workflows = loadWorkflows(options.workflowsDir);
  const activity = new Activity();
  const closers = new Closers();
  closers.add(installLongTimers());
  try {
    const tableName = options.tableName ?? 'rapport';
    const store = await startStore(
      { dataDir, port: ports.dynamodb, host, tableName, dueShards: options.dueShards },
      activity,
      closers,
    );
    const emulators = await startEmulators({ host, ports, now, store }, activity, closers);
    const { stepFunctions, bus, outbox, clients } = emulators;

    // Listening before the handlers exist, because links in messages need its address; requests wait
    // until start-up is done (api.open() below), so none meets a half-started runtime.
    const api = new LocalHttpApi(
      async (fn, event) => (await deployment.invoke(fn, event)) as APIGatewayProxyStructuredResultV2,
      activity,
      now,
    );
    api.holdRequests();
    const apiUrl = await api.listen(ports.api, host);
    closers.add(() => api.close());
    // What SNS would deliver on AWS: a reply to a text message (two-way SMS), SES feedback, engagement.
    const notify = (message: unknown) => deployment.invoke('delivery-events', snsEvent(message, now()));
    const engagement = new LocalEngagement(notify, now, activity, outbox);
    const deployment: LocalDeployment = new LocalDeployment(
      workflows,
      deploymentDeps(options, { store, tableName, clients, engagement, apiUrl }),
      stepFunctions,
      bus,
    );

    // Step Functions' status-change events, as the AWS rule routes them: the ends recorded on the entries.
    stepFunctions.onExecutionEnded(
      routeExecutionEnds((event) => deployment.queues.sweep.send([event]), activity),
    );
    // What the last run left unfinished, finished before the sweeper starts and the API serves.
    const startup = await recoverAtStart(deployment, stepFunctions, store);
    startSweeper(options.sweepEveryMs ?? 3_600_000, () => deployment.invoke('sweep', {}), activity, closers);
    addLocalRoutes(api, {
      bus,
      outbox,
      stepFunctions,
      inboxUrl: `${emulators.urls.ses}/`,
      startup: startup.report,
      notify,
      engagement,
    });
    mountLocalConsole(api, { deployment, store, emulators, engagement, now });
    api.open();
    return runtimeOf({ options, store, emulators, apiUrl, deployment, activity, closers, ...startup });
  } catch (e) {
    await closers.closeAll();
    throw e;
  }
}

/** What the handlers are given: the same adapters as on Lambda, on the emulators' clients. */
function deploymentDeps(
  options: LocalRuntimeOptions,
  wiring: {
    store: LocalStore;
    tableName: string;
    clients: LocalEmulators['clients'];
    engagement: LocalEngagement;
    apiUrl: string;
  },
): HandlerWiring {
  const { store, tableName, clients, engagement, apiUrl } = wiring;
  const { clock } = options;
  return {
    store: (options.decorateStore ?? ((s) => s))(
      localCustomerStore(store.client, tableName, store.dueShards),
    ),
    publisher: createLifecyclePublisher(clients.eventBridge, EVENT_BUS),
    starter: (arns) => createJourneyStarter(clients.sfn, arns),
    mailer: engagement.mailer(createSesMailer(clients.ses, {})),
    sms: engagement.sms(createSmsSender(clients.sms, { configurationSet: 'rapport' })),
    clock,
    sender: options.sender,
    publicBaseUrl: apiUrl,
    linkSecret: options.linkSecret ?? LOCAL_LINK_SECRET,
    sweepEveryMs: options.sweepEveryMs ?? 3_600_000,
  };
}

/** The console, reading what the runtime keeps: the table, the executions, the emulators' messages. */
function mountLocalConsole(
  api: LocalHttpApi,
  wiring: {
    deployment: LocalDeployment;
    store: LocalStore;
    emulators: LocalEmulators;
    engagement: LocalEngagement;
    now: () => Date;
  },
): void {
  const { deployment, store, emulators, engagement, now } = wiring;
  const { stepFunctions, outbox, bus } = emulators;
  const { tableName } = store;
  mountConsole(api, {
    stepFunctions,
    journeys: () => deployment.workflows.journeys,
    controlGroup: () => deployment.workflows.settings.controlGroup,
    exclusiveGroups: () => deployment.workflows.settings.exclusiveGroups,
    snapshot: () => readSnapshot(store.client, tableName),
    customerItems: (customerId) => readCustomerItems(store.client, tableName, customerId),
    customersAt: (addressKey) =>
      customersAt(DynamoDBDocumentClient.from(store.client), tableName, addressKey),
    now,
    delivered: {
      email: sesStoreReader(emulators.urls.ses),
      sms: (messageId) => {
        const sms = outbox.messages.find((m) => m.messageId === messageId);
        return sms && sentSms(sms);
      },
      tracking: (messageId) => engagement.tracking(messageId),
    },
    taskEvents: () => tasksOf(bus),
    links: { inbox: `${emulators.urls.ses}/`, outbox: '/_local/outbox', tasks: '/tasks' },
  });
}

interface Started {
  options: LocalRuntimeOptions;
  store: LocalStore;
  emulators: LocalEmulators;
  apiUrl: string;
  deployment: LocalDeployment;
  activity: Activity;
  closers: Closers;
  report: StartupReport;
  recovery: RecoveryResult;
  resumed: ResumeReport;
}

function runtimeOf(started: Started): LocalRuntime {
  const { options, store, emulators, apiUrl, deployment, activity, closers } = started;
  const { urls, stepFunctions, bus, outbox } = emulators;
  return {
    urls: {
      ...urls,
      api: apiUrl,
      inbox: `${urls.ses}/`,
      dynamodb: store.url,
      smsOutbox: `${apiUrl}/_local/outbox`,
    },
    dataDir: options.dataDir,
    get workflows() {
      return deployment.workflows;
    },
    redeploy() {
      // Validated in full before anything changes: an invalid edit leaves the running version in place.
      const next = loadWorkflows(options.workflowsDir);
      deployment.redeploy(next);
      return next;
    },
    tableName: store.tableName,
    clients: { dynamodb: store.client, ...emulators.clients },
    stepFunctions,
    get tasks() {
      return tasksOf(bus);
    },
    bus,
    outbox,
    activity,
    recoveredAtStart: started.recovery,
    resumedAtStart: started.resumed,
    startup: started.report,
    stop: async () => {
      // Work still in flight (a send finishing, a claim being marked done) would otherwise write to a
      // closed dynalite, which throws outside any request and ends the process.
      await activity.drained();
      await closers.closeAll();
    },
  };
}
