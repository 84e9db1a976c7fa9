import * as z from '../../domain/zod';
import { ConfigValidationError } from '../../domain/errors';
import { zodProblems } from '../../domain/config/problems';

/** Reads the handler's environment through a schema, failing at cold start with every missing setting named. */
export function readEnv<S extends z.ZodMiniType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigValidationError(
      'Invalid Lambda environment',
      zodProblems(result.error, env, { source: 'environment' }),
    );
  }
  return result.data;
}

/**
 * `arn:<partition>:states:<region>:<account>:stateMachine:`, then `<stage>-` in a stage (infra/stage.ts): a
 * journey's ARN is it plus the state machine's name.
 */
export const StateMachineArnPrefix = z.string().check(
  z.regex(/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:([a-z][a-z0-9]{0,9}-)?$/, {
    error: 'expected: arn:<partition>:states:<region>:<account>:stateMachine:[<stage>-]',
  }),
);
