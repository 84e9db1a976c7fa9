/**
 * What the bundles give the X-Ray SDK for its centralized sampler (aws-xray-sdk-core/dist/lib/middleware/
 * sampling/default_sampler.js, infra/function-bundles.ts REPLACED_MODULES): in Lambda the SDK's init
 * (env/aws_lambda.js) calls disableCentralizedSampling() before anything samples, which swaps it for the
 * local sampler, and Lambda decides sampling itself. The centralized sampler polls the X-Ray service for
 * rules and targets (rule and target pollers, rule cache, service connector), code a Lambda never runs. The
 * local sampler stands in for it, so what mw_utils holds before that swap samples as it would after.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export = require('aws-xray-sdk-core/dist/lib/middleware/sampling/local_sampler') as unknown;
