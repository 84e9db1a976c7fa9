import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { createSesMailer } from '../../adapters/email/ses-mailer';
import { systemClock } from '../../domain/clock';
import { createRenderer } from '../../domain/messages/render';
import { readEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { linkSigningSecret } from '../shared/secrets';
import { bundledWorkflows } from '../shared/workflows';
import { createSendMessageHandler } from './handler';

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
    SENDER_ADDRESS: z.string().min(3),
    SES_CONFIGURATION_SET: z.string().optional(),
    PUBLIC_BASE_URL: z.url(),
  }),
);

export const handler = createSendMessageHandler({
  ...createObservability(),
  store: createCustomerStore(new DynamoDBClient({}), env.TABLE_NAME),
  mailer: createSesMailer(new SESClient({}), { configurationSet: env.SES_CONFIGURATION_SET }),
  renderer: createRenderer(bundledWorkflows()),
  clock: systemClock,
  sender: env.SENDER_ADDRESS,
  publicBaseUrl: env.PUBLIC_BASE_URL,
  linkSecret: linkSigningSecret(),
});
