import { join, resolve } from 'node:path';
import { systemClock } from '../domain/clock';
import { ConfigValidationError } from '../domain/errors';
import { startLocalRuntime } from './runtime';
import { DataDirInUseError } from './instance-lock';
import { PORT_VARIABLES, portsFromEnv, type LocalService } from './ports';
import { PortInUseError } from './serve-safely';
import { localDataDir } from './store';
import { describeStartup } from './startup';
import { watchWorkflows } from './watch-workflows';

/** `npm start`: Rapport on this machine, on the real clock, with data kept in .rapport/ across restarts. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // The SDK warns that its 2027 releases need Node 22; the README says so once, the console need not on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runtime = await startLocalRuntime({
    dataDir: localDataDir(),
    workflowsDir: join(root, 'workflows'),
    clock: systemClock,
    host: process.env.RAPPORT_HOST ?? '127.0.0.1',
    ports: portsFromEnv(),
  });
  const { urls } = runtime;
  console.log(`Rapport is running locally (no AWS account needed).

  Console         ${urls.api}/                 (overview; journeys with counts on every step; a customer's timeline and why each message went)
  Events API      POST ${urls.api}/events          (same routes as the AWS HTTP API)
  From emails     GET  ${urls.api}/unsubscribe?token=…  /preferences?token=…  /feedback?token=…
  Erase           DELETE ${urls.api}/customers/{id}
  Email inbox     ${urls.inbox}                  (aws-ses-v2-local; JSON at ${urls.ses}/store)
  SMS outbox      ${urls.smsOutbox}      (reply STOP there; JSON at ${urls.api}/_local/sms)
  Executions      ${urls.api}/_local/executions
  Tasks           ${urls.api}/tasks                   (requests to people, e.g. "call this VIP"; JSON at /_local/tasks)
  Event bus       ${urls.api}/_local/events           (stage and tier changes, tasks; EventBridge API at ${urls.eventBridge})
  DynamoDB API    ${urls.dynamodb}   table "${runtime.tableName}" (dynalite)
  Step Functions  ${urls.stepFunctions}   ${runtime.stepFunctions.stateMachines.length} journey state machine(s)
  Data            ${runtime.dataDir}   (kept across restarts; delete it to start afresh)

${describeStartup(runtime.startup)} (The same at ${urls.api}/_local/executions.)

Try it:
  curl -X POST ${urls.api}/events -H 'content-type: application/json' -d '{"eventId":"e-1","type":"purchase","customerId":"c-42","at":"${new Date().toISOString().slice(0, 19)}Z","amount":19.9,"currency":"CNY","customer":{"email":"li@example.com","locale":"zh-CN","timeZone":"Asia/Shanghai"}}'
  (Between 21:00 and 09:00 Shanghai time the thank-you waits for 09:00 there: quiet hours. Executions shows it.)

Edits under workflows/ are validated and deployed as you save: customers already in a journey finish
on the version they started, new entries take the new one (as a \`cdk deploy\` does on AWS).
Press Ctrl+C to stop. Journeys in flight are kept in the data folder and resume at the next start.`);

  const watcher = watchWorkflows(runtime.workflows.dir, () => {
    try {
      const before = new Map(runtime.workflows.journeys.map((j) => [j.journey.id, j]));
      const w = runtime.redeploy();
      // The version is what executions and journey entries record: a change under the same number would
      // make two different journeys indistinguishable in the records.
      for (const j of w.journeys) {
        const old = before.get(j.journey.id);
        if (old && old.asl !== j.asl && old.journey.version === j.journey.version)
          console.warn(`warning: ${j.file} changed but is still version ${j.journey.version}: raise it`);
      }
      console.log(
        `${new Date().toISOString()} deployed: ${w.journeys.map((j) => `${j.journey.id} v${j.journey.version}`).join(', ')}`,
      );
    } catch (e) {
      console.error(
        `${new Date().toISOString()} not deployed (the running version stays):\n${e instanceof ConfigValidationError ? e.message : String(e)}`,
      );
    }
  });

  const stop = async () => {
    watcher.close();
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** What a person starting Rapport can act on, in one line where one line says it all. */
function explain(e: unknown): unknown {
  if (e instanceof ConfigValidationError) return e.message;
  if (e instanceof PortInUseError) {
    const ports = portsFromEnv();
    const busy = (Object.keys(PORT_VARIABLES) as LocalService[]).find((service) => ports[service] === e.port);
    const variable = busy ? PORT_VARIABLES[busy][0] : 'its RAPPORT_…_PORT';
    return `${e.message}: stop the other program or set ${variable}=<a free port>`;
  }
  if (e instanceof DataDirInUseError)
    return `${e.message}: stop it first or set RAPPORT_DATA_DIR=<another folder>`;
  return e;
}

main().catch((e: unknown) => {
  console.error(explain(e));
  process.exit(1);
});
