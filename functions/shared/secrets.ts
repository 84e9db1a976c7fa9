import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ClientTracing } from './lambda-tracer';

/**
 * The key that signs links in emails. Locally it comes from the environment; on AWS from Secrets Manager,
 * read once per cold start (top-level await is not available in CommonJS bundles, so it is lazy).
 */
export function linkSigningSecret(
  env: NodeJS.ProcessEnv = process.env,
  traced: ClientTracing = (client) => client,
): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= (async () => {
      if (env.LINK_SIGNING_SECRET) return env.LINK_SIGNING_SECRET;
      const arn = env.LINK_SIGNING_SECRET_ARN;
      if (!arn) throw new Error('set LINK_SIGNING_SECRET or LINK_SIGNING_SECRET_ARN');
      const out = await traced(new SecretsManagerClient({})).send(
        new GetSecretValueCommand({ SecretId: arn }),
      );
      if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
      return out.SecretString;
    })();
    return value;
  };
}
