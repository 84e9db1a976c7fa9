import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import sesServer from 'aws-ses-v2-local';
import type { Activity } from './activity';
import type { Closers } from './closers';
import { EVENT_BUS, LocalEventBus } from './eventbridge';
import type { Ports } from './ports';
import { dropUnreadSteps, runtimeClientConfig, trackActivity } from './sdk';
import { closeServer, containServer, keepIdleConnections, PortInUseError } from './serve-safely';
import { LocalSmsOutbox } from './sms-outbox';
import { LocalStepFunctions } from './stepfunctions';
import { ExecutionJournal } from './execution-journal';
import { journalTableOf, type LocalStore } from './store';

// Kept with the bus, so that what only needs the name (the simulator) loads no emulator server.
export { EVENT_BUS };

export interface EmulatorOptions {
  host: string;
  ports: Omit<Ports, 'api' | 'dynamodb'>;
  now: () => Date;
  /** The local DynamoDB: the Step Functions emulator keeps its journal of executions there. */
  store: LocalStore;
}

/** The AWS services other than DynamoDB, on this machine, and the real SDK clients pointed at them. */
export interface LocalEmulators {
  urls: { ses: string; stepFunctions: string; eventBridge: string; sms: string };
  stepFunctions: LocalStepFunctions;
  bus: LocalEventBus;
  outbox: LocalSmsOutbox;
  clients: { ses: SESClient; sfn: SFNClient; eventBridge: EventBridgeClient; sms: PinpointSMSVoiceV2Client };
}

/** SES (aws-ses-v2-local), Step Functions, the EventBridge bus and the SMS outbox, each on its port. */
export async function startEmulators(
  { host, ports, now, store }: EmulatorOptions,
  activity: Activity,
  closers: Closers,
): Promise<LocalEmulators> {
  const ses = await startSes(host, ports.ses, closers);

  // Its executions are kept beside Rapport's table, in the same data folder, so they survive a restart.
  const journal = new ExecutionJournal(store.client, journalTableOf(store));
  await journal.open();
  const stepFunctions = new LocalStepFunctions(activity, journal, now);
  const stepFunctionsUrl = await stepFunctions.listen(ports.stepFunctions, host);
  closers.add(() => stepFunctions.close());

  const bus = new LocalEventBus(EVENT_BUS, now, activity);
  const eventBridgeUrl = await bus.listen(ports.eventBridge, host);
  closers.add(() => bus.close());

  const outbox = new LocalSmsOutbox(now, activity);
  const smsUrl = await outbox.listen(ports.sms, host);
  closers.add(() => outbox.close());

  const urls = { ses, stepFunctions: stepFunctionsUrl, eventBridge: eventBridgeUrl, sms: smsUrl };
  return {
    urls,
    stepFunctions,
    bus,
    outbox,
    clients: emulatorClients(urls, { stepFunctions, bus, outbox }, activity, closers),
  };
}

function emulatorClients(
  urls: LocalEmulators['urls'],
  servers: { stepFunctions: LocalStepFunctions; bus: LocalEventBus; outbox: LocalSmsOutbox },
  activity: Activity,
  closers: Closers,
): LocalEmulators['clients'] {
  const clients = {
    // aws-ses-v2-local never answers actions it lacks: a request timeout turns a hang into an error.
    ses: new SESClient(
      runtimeClientConfig(
        urls.ses,
        new NodeHttpHandler({ requestTimeout: 10_000, throwOnRequestTimeout: true }),
      ),
    ),
    // The servers below are in this process: their clients skip the socket (InProcessTransport).
    sfn: new SFNClient(runtimeClientConfig(urls.stepFunctions, servers.stepFunctions.transport)),
    eventBridge: new EventBridgeClient(runtimeClientConfig(urls.eventBridge, servers.bus.transport)),
    sms: new PinpointSMSVoiceV2Client(runtimeClientConfig(urls.sms, servers.outbox.transport)),
  };
  for (const client of [clients.sfn, clients.eventBridge, clients.sms]) dropUnreadSteps(client);
  trackActivity(clients.ses, activity);
  trackActivity(clients.sfn, activity);
  trackActivity(clients.eventBridge, activity);
  trackActivity(clients.sms, activity);
  closers.add(() => Object.values(clients).forEach((c) => c.destroy()));
  return clients;
}

/**
 * aws-ses-v2-local listens through express, which hands a listen error (a busy port) to the callback as
 * if it were success: the server it returns is then simply not listening.
 */
async function startSes(host: string, port: number, closers: Closers): Promise<string> {
  const ses: Server = await sesServer({ host, port });
  if (!ses.listening) throw new PortInUseError('SES', port, host);
  keepIdleConnections(ses);
  closers.add(() => closeServer(ses));
  containServer(ses, 'the local SES (aws-ses-v2-local)');
  return `http://${host}:${(ses.address() as AddressInfo).port}`;
}
