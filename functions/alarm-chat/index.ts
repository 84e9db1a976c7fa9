import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../../domain/zod';
import { readEnv } from '../shared/env';
import { lambdaTracing } from '../shared/lambda-tracer';
import { createLogger } from '../shared/observability';
import { CHAT_FORMATS } from './chat-format';
import { createAlarmChatHandler } from './handler';
import { webhookUrlFrom } from './webhook-url';

const env = readEnv(
  z.object({ CHAT_FORMAT: z.enum(CHAT_FORMATS), WEBHOOK_SECRET_ARN: z.string().check(z.minLength(1)) }),
);
const { tracer, traced } = lambdaTracing();
const secrets = traced(new SecretsManagerClient({}));

export const handler = createAlarmChatHandler({
  logger: createLogger(),
  tracer,
  format: env.CHAT_FORMAT,
  webhookUrl: webhookUrlFrom(
    async () =>
      (await secrets.send(new GetSecretValueCommand({ SecretId: env.WEBHOOK_SECRET_ARN }))).SecretString,
    env.WEBHOOK_SECRET_ARN,
  ),
});
