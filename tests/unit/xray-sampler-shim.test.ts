/**
 * The bundles replace the X-Ray SDK's centralized sampler by its local one (functions/shared/
 * xray-sampler-shim.ts): right while the SDK, loaded in Lambda, swaps the centralized one out at init.
 */
const LOCAL = 'aws-xray-sdk-core/dist/lib/middleware/sampling/local_sampler';

function loadXray(env: Record<string, string | undefined>): { sampler: unknown; local: unknown } {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  set(env);
  try {
    let loaded = { sampler: undefined as unknown, local: undefined as unknown };
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const xray = require('aws-xray-sdk-core') as { middleware: { sampler: unknown } };
      loaded = { sampler: xray.middleware.sampler, local: require(LOCAL) };
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    return loaded;
  } finally {
    set(saved);
  }
}

describe("the X-Ray SDK's sampler", () => {
  it('is the local sampler once the SDK is loaded in Lambda, which the shim gives it from the start', () => {
    const inLambda = loadXray({ LAMBDA_TASK_ROOT: '/var/task', AWS_XRAY_LOG_LEVEL: 'silent' });
    expect(inLambda.sampler).toBe(inLambda.local);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shim = require('../../functions/shared/xray-sampler-shim') as unknown;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(shim).toBe(require(LOCAL));
    // Outside Lambda the centralized one stays: the swap is the Lambda init's doing.
    const outside = loadXray({ LAMBDA_TASK_ROOT: undefined });
    expect(outside.sampler).not.toBe(outside.local);
  });
});
