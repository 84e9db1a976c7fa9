/**
 * How the Lambda functions are sized: what CDK deploys (infra/handler-function.ts) and what the cost
 * forecast bills (domain/simulate/cost.ts). One constant for both, so the forecast cannot price a memory
 * size the stack does not configure. Keys are the function names of functions/routes.ts (`FUNCTIONS`):
 * infra indexes this by `FunctionName`, so a function added there without a size here does not compile.
 */

/** Every function runs on Graviton (arm64): about 20% cheaper per GB-second than x86_64. */
export const LAMBDA_ARCHITECTURE = 'arm64' as const;

/** Configured memory per function, MB. Lambda bills duration × this memory, whatever the code uses. */
export const LAMBDA_MEMORY_MB = {
  'accept-event': 512,
  'ingest-event': 512,
  'start-journey': 512,
  'send-message': 512,
  'journey-step': 512,
  unsubscribe: 512,
  sweep: 512,
  'sweep-worker': 512,
  'delivery-events': 512,
  feedback: 512,
} as const satisfies Record<string, number>;

export type SizedFunctionName = keyof typeof LAMBDA_MEMORY_MB;

/**
 * The functions a setting adds (functions/routes.ts OPTIONAL_FUNCTIONS): alarm-chat POSTs a few hundred
 * bytes now and then, and is left out of the cost forecast.
 */
export const OPTIONAL_LAMBDA_MEMORY_MB = { 'alarm-chat': 256 } as const satisfies Record<string, number>;
