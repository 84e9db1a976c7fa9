import { join, resolve } from 'node:path';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import { checkAlarmChat, checkAlarmEmails, checkAlarmSettings } from './alarm-settings';
import { checkScale, checkSweepEvery, DEFAULT_SWEEP_EVERY_MINUTES, InvalidSettingError } from './names';
import { DEFAULT_SENDER_ADDRESS, PROJECT_ROOT, RapportStack } from './rapport-stack';

export interface BuildAppOptions {
  appProps?: AppProps;
  /** Workflows to deploy instead of reading `<repo>/workflows` (or context `workflowsDir`). */
  workflows?: Workflows;
  /** Runs cdk-nag's AwsSolutions pack on synth (default true). */
  nag?: boolean;
}

/**
 * The whole CDK app: workflows loaded and checked first (a ConfigValidationError stops everything before
 * CDK does any work), then the stack, then cdk-nag. Deployment settings come from context (cdk.json or -c):
 *   senderAddress   From address of emails (default no-reply@example.com)
 *   publicBaseUrl   base of links in emails (default: the HTTP API's URL)
 *   workflowsDir    workflows to deploy (default <repo>/workflows)
 *   sweepEvery      minutes between two sweeps of due customers, 1 to 1440 (default 60)
 *   scale           how Rapport is sized (domain/config/scale.ts): any of its fields, the rest default,
 *                   e.g. "scale": { "dueShards": 128 } in cdk.json or -c 'scale={"startsPerSecond":200}'
 *   alarms          alarm thresholds (infra/alarm-settings.ts): any of its fields, the rest default,
 *                   e.g. -c 'alarms={"apiLatencyP99Ms":1500}'
 *   alarmEmails     addresses subscribed to the alarm topic: a list, or -c alarmEmails=a@x.org,b@y.org
 *   alarmChat       a chat the alarms are posted to (infra/alarm-chat.ts): {"format": "slack" | "teams" |
 *                   "chime" | "json", "webhookSecretArn"?: …}, or -c alarmChat=slack; the URL is a secret
 */
export function buildApp(options: BuildAppOptions = {}): {
  app: App;
  stack: RapportStack;
  workflows: Workflows;
} {
  // autoSynth off: infra/app.ts synthesizes only once everything was built, so a failure leaves no half-built app.
  const app = new App({ autoSynth: false, ...options.appProps });
  const setting = (key: string): unknown => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const context = (key: string): string | undefined => {
    const value = setting(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw new InvalidSettingError(`context ${key}: got ${JSON.stringify(value)}; expected a string`);
    return value;
  };

  const workflows =
    options.workflows ?? loadWorkflows(resolve(context('workflowsDir') ?? join(PROJECT_ROOT, 'workflows')));

  const stack = new RapportStack(app, 'Rapport', {
    description: 'Rapport: customer journeys as YAML, run on Step Functions, Lambda, DynamoDB and SES',
    workflows,
    projectRoot: PROJECT_ROOT,
    senderAddress: context('senderAddress') ?? DEFAULT_SENDER_ADDRESS,
    publicBaseUrl: context('publicBaseUrl'),
    // A number in cdk.json, a string from `-c sweepEvery=15`: checkSweepEvery takes both.
    sweepEvery: checkSweepEvery(setting('sweepEvery') ?? DEFAULT_SWEEP_EVERY_MINUTES),
    scale: checkScale(setting('scale')),
    alarms: checkAlarmSettings(setting('alarms')),
    alarmEmails: checkAlarmEmails(setting('alarmEmails')),
    alarmChat: checkAlarmChat(setting('alarmChat')),
  });

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, workflows };
}
