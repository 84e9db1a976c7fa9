import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { DUE_INDEX } from '../adapters/dynamodb/table';
import type { FunctionName } from '../functions/routes';

/**
 * The DynamoDB actions adapters/dynamodb/customer-store.ts makes, by the store methods behind them:
 *   GetItem        every get… and recordDecision (reads the decision that won)
 *   BatchGetItem   getCustomerFacts (what a step decides from, in one read: adapters/dynamodb/batch.ts)
 *   PutItem        every put…, write/claim/settle/update…, rememberAddress, recordDecision
 *   BatchWriteItem putJourneyEntries (two items or more, entries and address uses; one is a PutItem)
 *   DeleteItem     releaseEvent, releaseMessage, deleteAwait, forgetAddress, deleteCustomer (erasure)
 *   Query          list… (a customer's journey entries and waits, an address's users), deleteCustomer;
 *                  listSplitExposures (a split's decisions in the due index: the sweep's experiments)
 * Every conditional write is a single-item PutItem (no TransactWriteItems or UpdateItem: the sweep lease
 * too is a read and a conditional put, adapters/dynamodb/sweep-lease.ts); no function may Scan. IAM
 * names batch actions apart, and a missing one is an AccessDeniedException on every event that dynalite
 * (no IAM) would never show: every handler test on dynalite runs its handler with `table.storeFor(fn)`,
 * whose client refuses a call the function's role lacks (tests/support/grants.ts: the role's actions as
 * synthesized, and these statements for the index), as the hot paths' calls are (hot-path-calls.test.ts).
 */
export type TableAction =
  'GetItem' | 'BatchGetItem' | 'PutItem' | 'BatchWriteItem' | 'DeleteItem' | 'Query' | 'UpdateItem';

/** ingestEvent's actions: its one read, its writes, entries listed and written, claims released. */
const INGEST: readonly TableAction[] = [
  'GetItem',
  'BatchGetItem',
  'PutItem',
  'BatchWriteItem',
  'DeleteItem',
  'Query',
];

/**
 * What each function's handler reaches of the store (read from the handlers and the domain functions they
 * call); a test pins the lists. Only the sweep also queries the due index (dueIndexReaders).
 */
export const TABLE_ACTIONS: Record<FunctionName, readonly TableAction[]> = {
  // ingestEvent (claims released on failure, waits deleted once resumed, journey entries listed) and
  // erasure (DELETE /customers/{id}: the partition queried and deleted item by item, addresses forgotten).
  'ingest-event': INGEST,
  // A survey answer is ingested as an event: ingestEvent's actions.
  feedback: INGEST,
  // The coordinator: its lease (read, conditional put); its recovery pass finishes abandoned events as
  // ingestEvent does.
  sweep: INGEST,
  // A due customer's turn: the profile advanced (or parked), journey entries listed and written; an
  // execution's end set on its entry (UpdateItem: one conditional write that never recreates it).
  'sweep-worker': ['GetItem', 'PutItem', 'BatchWriteItem', 'Query', 'UpdateItem'],
  // One read before queueing an event: the customer's tombstone and the event's record (admitEvent).
  'accept-event': ['BatchGetItem'],
  // A queued start's journey entry and the tombstone, read together before and after StartExecution.
  'start-journey': ['BatchGetItem'],
  // Message claims, pacing, suppressions, decisions; a send that failed before the provider releases its claim;
  // a number the provider says opted out: its users listed and their profiles marked (markAddressUsers).
  'send-message': ['GetItem', 'BatchGetItem', 'PutItem', 'DeleteItem', 'Query'],
  // Decisions, profile updates, waits recorded, failed sends recorded, deferrals read.
  'journey-step': ['GetItem', 'PutItem'],
  // Consent changes on the profile; tombstones read (a link outlived by an erasure).
  unsubscribe: ['GetItem', 'PutItem'],
  // A suppression: the address's users and their marketing journey entries are listed. A delivery, an
  // open or a click is ingested as the customer's event: ingestEvent's actions.
  'delivery-events': INGEST,
};

/** The functions that read the due index (Query on it, nothing else): the coordinator, not the workers. */
export const DUE_INDEX_READERS: readonly FunctionName[] = ['sweep'];

/** Grants `name` its table actions on the table's items (not its indexes), and the due index if it reads it. */
export function grantTableAccess(table: ITable, name: FunctionName, fn: IFunction): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: TABLE_ACTIONS[name].map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
    }),
  );
  if (DUE_INDEX_READERS.includes(name))
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${DUE_INDEX.name}`],
      }),
    );
}
