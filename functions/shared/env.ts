import { z } from 'zod';
import { ConfigValidationError } from '../../domain/errors';
import { zodProblems } from '../../domain/config/source';

/** Reads the handler's environment through a schema, failing at cold start with every missing setting named. */
export function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigValidationError(
      'Invalid Lambda environment',
      zodProblems(result.error, env, { source: 'environment' }),
    );
  }
  return result.data;
}

export const JsonRecord = z.string().transform((s, ctx) => {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(s));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected: a JSON object of strings' });
    return z.NEVER;
  }
});
