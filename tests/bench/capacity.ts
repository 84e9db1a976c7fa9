/**
 * `npm run bench:capacity`: the capacity model's scenarios (local/capacity), printed as figures. Sizes
 * from the environment: CAPACITY_CUSTOMERS (scenario 3, 10,000 by default), CAPACITY_EVENTS_PER_SECOND
 * and CAPACITY_SECONDS (scenario 2, 1,000/s for 10 s by default; the burst is 10,000/s for 60 s),
 * CAPACITY_FESTIVAL_CUSTOMERS (scenario 1, 5,000 by default; the is 1,000,000).
 */
import { eventBurst } from '../../local/capacity/scenarios/event-burst';
import { sesThrottling } from '../../local/capacity/scenarios/ses-throttling';
import { springFestival } from '../../local/capacity/scenarios/spring-festival';
import type { Figures } from '../../local/capacity/model';
import { WORKFLOWS_DIR } from '../support/local';

const customers = Number(process.env.CAPACITY_CUSTOMERS ?? 10_000);
const eventsPerSecond = Number(process.env.CAPACITY_EVENTS_PER_SECOND ?? 1_000);
const seconds = Number(process.env.CAPACITY_SECONDS ?? 10);
const festival = Number(process.env.CAPACITY_FESTIVAL_CUSTOMERS ?? 5_000);

function common(f: Figures): string {
  const lambda = Object.entries(f.lambda)
    .map(
      ([fn, s]) => `${fn} ${s.invocations} invocations, peak ${s.peakConcurrency}, ${s.throttles} throttled`,
    )
    .join('; ');
  const queues = Object.entries(f.queues)
    .map(
      ([q, s]) =>
        `${q}: deepest ${s.deepest}, ${s.failedDeliveries} redelivered, ${s.deadLetters} dead letters`,
    )
    .join('; ');
  return [
    `  StartExecution: ${f.startExecution.started} started, peak ${f.startExecution.peakPerSecond}/s, ${f.startExecution.throttled} throttled`,
    `  executions ended: ${f.executions.succeeded} succeeded, ${f.executions.failed} failed; ${f.executions.deferralRounds} deferral rounds`,
    `  SES: ${f.ses.accepted} accepted, ${f.ses.throttled} throttled, ${f.ses.duplicates} twice`,
    `  Lambda: ${lambda}`,
    `  DynamoDB: ${f.dynamo.reads} reads, ${f.dynamo.writes} writes, ${f.dynamo.throttles} throttled, hottest ${f.dynamo.hottest.key} ${f.dynamo.hottest.units}/s`,
    ...(queues ? [`  queues: ${queues}`] : []),
    `  model: ${f.instants} instants over ${f.virtualSeconds.toFixed(0)} virtual s`,
  ].join('\n');
}

async function main(): Promise<void> {
  const s1 = await springFestival({ workflowsDir: WORKFLOWS_DIR, customers: festival });
  console.log(
    `capacity, scenario 1 (Spring Festival greeting, today's serial sweep), ${festival} customers due:\n` +
      `  ${s1.greeted} greeted, the last ${(s1.lastGreetingAfterSeconds / 3600).toFixed(2)} h after 00:00 UTC; ` +
      `${s1.sweeps} sweeps, the longest ${s1.longestSweepSeconds.toFixed(0)} s (its timeout is 300 s)\n` +
      `${common(s1.figures)}\n` +
      `  ${s1.cpuSeconds.toFixed(1)} s CPU: ${(festival / s1.cpuSeconds).toFixed(0)} customers per CPU second`,
  );
  const s3 = await sesThrottling({ workflowsDir: WORKFLOWS_DIR, customers });
  console.log(
    `capacity, scenario 3 (SES at half its rate for an hour), ${customers} customers sending at once:\n` +
      `  ${s3.greeted} greeted, last email ${(s3.lastSentAfterSeconds / 60).toFixed(1)} min after the start; ` +
      `${s3.failedMessages} failed, ${s3.deferredMessages} still deferred\n${common(s3.figures)}\n` +
      `  ${s3.cpuSeconds.toFixed(1)} s CPU: ${(customers / s3.cpuSeconds).toFixed(0)} customers per CPU second`,
  );
  const s2 = await eventBurst({ workflowsDir: WORKFLOWS_DIR, eventsPerSecond, seconds });
  console.log(
    `capacity, scenario 2 (today's path: EventBridge → ingest queue → ingest-event → StartExecution), ${eventsPerSecond}/s for ${seconds} s:\n` +
      `  ${s2.events} events, ${s2.profiles} profiles, ${s2.journeysStarted} journeys started; queues empty after ${s2.drainedAfterSeconds.toFixed(1)} s\n` +
      `${common(s2.figures)}\n` +
      `  ${s2.cpuSeconds.toFixed(1)} s CPU: ${(s2.events / s2.cpuSeconds).toFixed(0)} events per CPU second`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
