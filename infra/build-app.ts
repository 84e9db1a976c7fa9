import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import { PROJECT_ROOT, RapportStack } from './rapport-stack';
import { readSettings, type DeploymentSettings } from './settings';
import { stackId } from './stage';

export interface BuildAppOptions {
  appProps?: AppProps;
  /** Workflows to deploy instead of reading `<repo>/workflows` (or context `workflowsDir`). */
  workflows?: Workflows;
  /** Runs cdk-nag's AwsSolutions pack on synth (default true). */
  nag?: boolean;
  /**
   * cdk.json's context, to tell its top-level settings (which a stage's override) from `-c` ones (which
   * override a stage's): settings.ts readSettings. Without it, every context setting counts as `-c`.
   */
  projectContext?: Readonly<Record<string, unknown>>;
}

/**
 * The whole CDK app: settings and workflows loaded and checked first (an InvalidSettingError or a
 * ConfigValidationError stops everything before CDK does any work), then the stack, then cdk-nag.
 * Deployment settings come from context: cdk.json's top level, its `stages.<stage>` entry for
 * `-c stage=<stage>`, and `-c key=value`, which overrides both (settings.ts):
 *   stage           prefixes the stack id (<stage>-Rapport) and every physical name (<stage>-rapport-…);
 *                   must be a key of "stages"; none keeps the names of the first deployments
 *   senderAddress   From address of emails, a verified SES identity (required; no example domain)
 *   publicBaseUrl   base of links in emails (default: the HTTP API's URL)
 *   workflowsDir    workflows to deploy (default <repo>/workflows)
 *   sweepEvery      minutes between two sweeps of due customers, 1 to 1440 (default 60)
 *   scale           how Rapport is sized (domain/config/scale.ts): any of its fields, the rest default,
 *                   e.g. "scale": { "dueShards": 128 } in cdk.json or -c 'scale={"startsPerSecond":200}'
 *   alarms          alarm thresholds (infra/alarm-settings.ts): any of its fields, the rest default,
 *                   e.g. -c 'alarms={"apiLatencyP99Ms":1500}'
 *   alarmEmails     addresses subscribed to the alarm topic: a list, or -c alarmEmails=a@x.org,b@y.org
 *   smsOriginationIdentity  phone number, pool or sender id (ARN or id) texts are sent from
 *   tableName, linkSigningSecretArn  a table and secret retained by an earlier deployment, used again
 *   account, region pin the stack to them (default: env-agnostic, from the CLI's credentials)
 *   terminationProtection   default true for the stage named prod
 *   alarmChat       a chat the alarms are posted to (infra/alarm-chat.ts): {"format": "slack" | "teams" |
 *                   "chime" | "json", "webhookSecretArn"?: …}, or -c alarmChat=slack; the URL is a secret
 */
export function buildApp(options: BuildAppOptions = {}): {
  app: App;
  stack: RapportStack;
  workflows: Workflows;
  settings: DeploymentSettings;
} {
  // autoSynth off: infra/app.ts synthesizes only once everything was built, so a failure leaves no half-built app.
  const app = new App({ autoSynth: false, ...options.appProps });
  const settings = readSettings({
    context: (key) => app.node.tryGetContext(key) as unknown,
    projectContext: options.projectContext,
  });
  const workflows =
    options.workflows ?? loadWorkflows(resolve(settings.workflowsDir ?? join(PROJECT_ROOT, 'workflows')));
  const stack = addRapportStack(app, settings, workflows);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, workflows, settings };
}

/** The stack of one stage (or of none): `<stage>-Rapport`, pinned where its settings say. */
export function addRapportStack(app: App, settings: DeploymentSettings, workflows: Workflows): RapportStack {
  const { account, region } = settings;
  return new RapportStack(app, stackId(settings.stage), {
    description: 'Rapport: customer journeys as YAML, run on Step Functions, Lambda, DynamoDB and SES',
    // Pinned when the stage says where it goes; env-agnostic otherwise, so synth needs no credentials.
    ...(account === undefined && region === undefined
      ? {}
      : { env: { ...(account ? { account } : {}), ...(region ? { region } : {}) } }),
    terminationProtection: settings.terminationProtection,
    workflows,
    projectRoot: PROJECT_ROOT,
    stage: settings.stage,
    senderAddress: settings.senderAddress,
    publicBaseUrl: settings.publicBaseUrl,
    sweepEvery: settings.sweepEvery,
    scale: settings.scale,
    alarms: settings.alarms,
    alarmEmails: settings.alarmEmails,
    smsOriginationIdentity: settings.smsOriginationIdentity,
    tableName: settings.tableName,
    linkSigningSecretArn: settings.linkSigningSecretArn,
    alarmChat: settings.alarmChat,
  });
}

/** cdk.json's context, which the CDK CLI merges with `-c` before the app sees it. */
export function readProjectContext(root = PROJECT_ROOT): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
