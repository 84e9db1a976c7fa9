import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SESClient } from '@aws-sdk/client-ses';
import { createSesMailer } from '../../adapters/email/ses-mailer';
import { createSmsSender } from '../../adapters/sms/end-user-messaging';
import type { Clock } from '../../domain/clock';
import type { Workflows } from '../../domain/config/load';
import { createRenderer } from '../../domain/messages/render';
import type { CustomerStore } from '../../domain/ports';
import { createSendMessageHandler } from '../../functions/send-message/handler';
import { createObservability, type Observability } from '../../functions/shared/observability';
import type { Tracing } from '../../functions/shared/tracing';
import { grantedTo } from '../support/grants';
import type { Table } from './support';

/**
 * Where the handler keeps its state: a dynalite table, used as send-message's role lets it be (a call
 * the role is not granted throws: Table.storeFor), or a memory store (no IAM to check).
 */
export type SendStore = { table: Pick<Table, 'storeFor'> } | { store: CustomerStore };

/** What a test chooses of the send handler's wiring; the rest is as in Lambda. */
export type SendWiring = SendStore & {
  workflows: Workflows;
  /** The providers' SDK clients, mocked by the test (mockedProviders); checked against send-message's grants. */
  clients: { sesClient: SESClient; smsClient: PinpointSMSVoiceV2Client };
  clock: Clock;
  sender?: string;
  publicBaseUrl?: string;
  linkSecret?: string;
  /** The test's own, when it watches the metrics. */
  observability?: Observability;
  /** The test's own, when it reads the trace. */
  tracer?: Tracing['tracer'];
};

/**
 * The send-message handler over the real SES and End User Messaging adapters and the real renderer; its
 * clients refuse what send-message's role is not granted (tests/support/grants.ts).
 */
export function realSendHandler(w: SendWiring) {
  return createSendMessageHandler({
    ...(w.observability ?? createObservability()),
    ...(w.tracer ? { tracer: w.tracer } : {}),
    store: 'table' in w ? w.table.storeFor('send-message') : w.store,
    mailer: createSesMailer(grantedTo('send-message', w.clients.sesClient), {}),
    sms: createSmsSender(grantedTo('send-message', w.clients.smsClient)),
    renderer: createRenderer(w.workflows),
    settings: w.workflows.settings,
    clock: w.clock,
    sender: w.sender ?? 'Rapport <hello@rapport.example>',
    publicBaseUrl: w.publicBaseUrl ?? 'https://rapport.example/',
    linkSecret: async () => w.linkSecret ?? 'secret',
  });
}
