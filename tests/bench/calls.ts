/**
 * The SDK calls of each hot path (issue 13), counted at the client while the real handlers run on
 * dynalite: `npx tsx tests/bench/calls.ts`, or as part of `npm run bench`.
 */
import { countHotPathCalls, type HotPathCalls } from '../support/hot-paths';
import { formatCalls, totalCalls as total } from '../support/sdk-calls';

const PATHS: Record<keyof HotPathCalls, string> = {
  acceptEvent: 'POST /events accepting a new event',
  firstPurchase: 'ingest of a first purchase',
  laterPurchase: 'a later purchase (a goal reached)',
  queuedStart: 'one queued journey start',
  emailSend: 'one email send',
  emailOpened: 'an email opened (engagement no journey waits for)',
};

export async function benchCalls(): Promise<void> {
  const counted = await countHotPathCalls();
  for (const [path, label] of Object.entries(PATHS) as [keyof HotPathCalls, string][]) {
    const { dynamodb, other } = counted[path];
    console.log(
      `calls, ${label}: ${total(dynamodb)} DynamoDB (${formatCalls(dynamodb)}) + ${total(other)} other (${formatCalls(other)})`,
    );
  }
}

if (require.main === module) {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  benchCalls().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
