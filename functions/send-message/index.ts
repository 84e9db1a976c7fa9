import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { scaleFromEnv } from '../../domain/config/scale';
import { createSesMailer } from '../../adapters/email/ses-mailer';
import { createSmsSender } from '../../adapters/sms/end-user-messaging';
import { systemClock } from '../../domain/clock';
import { createRenderer } from '../../domain/messages/render';
import { readEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { linkSigningSecret } from '../shared/secrets';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { createSendMessageHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    SENDER_ADDRESS: z.string().check(z.minLength(3)),
    SES_CONFIGURATION_SET: z.optional(z.string()),
    SES_TRACKED_CONFIGURATION_SET: z.optional(z.string()),
    SMS_CONFIGURATION_SET: z.optional(z.string()),
    SMS_ORIGINATION_IDENTITY: z.optional(z.string()),
    PUBLIC_BASE_URL: z.url(),
  }),
);

const workflows = bundledWorkflows(WORKFLOW_PARTS['send-message']);
// Adaptive: a container the provider throttles slows its own calls down (a client-side token bucket)
// before the refusal reaches the send's Retry; the SDK's 3 attempts stay well inside the Task's timeout.
const retry = { retryMode: 'adaptive', maxAttempts: 3 } as const;

export const handler = createSendMessageHandler({
  ...createObservability(),
  tracer,
  store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME, {
    dueShards: scaleFromEnv(process.env).dueShards,
  }),
  mailer: createSesMailer(traced(new SESClient(retry)), {
    configurationSet: env.SES_CONFIGURATION_SET,
    trackedConfigurationSet: env.SES_TRACKED_CONFIGURATION_SET,
  }),
  sms: createSmsSender(traced(new PinpointSMSVoiceV2Client(retry)), {
    configurationSet: env.SMS_CONFIGURATION_SET,
    originationIdentity: env.SMS_ORIGINATION_IDENTITY,
  }),
  renderer: createRenderer(workflows),
  settings: workflows.settings,
  clock: systemClock,
  sender: env.SENDER_ADDRESS,
  publicBaseUrl: env.PUBLIC_BASE_URL,
  linkSecret: linkSigningSecret(process.env, traced),
});
