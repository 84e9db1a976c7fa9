/** Handlers log and emit metrics per invocation; a model of a million customers must not print them. */
export function quietHandlers(): void {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Powertools reads process.env on every log call and metric: a plain copy reads as an object does.
  process.env = { ...process.env };
}
