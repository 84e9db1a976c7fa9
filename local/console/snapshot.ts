import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ConversionFacts, DecisionFacts, VerdictFacts } from '../../domain/console/experiments';
import type { JourneyEntryRecord, MessageRecord } from '../../domain/ports';

/** What the console counts a customer by: never an address or a name. */
export interface CustomerCount {
  stage: string;
  tier: string;
  /** Oldest first; absent on a fixture that does not need it. */
  stageHistory?: { to: string; at: string }[];
}

export type MessageFacts = Pick<
  MessageRecord,
  'journeyId' | 'journeyVersion' | 'stepId' | 'executionId' | 'channel' | 'status' | 'reason' | 'createdAt'
> & { sentAt?: string };

export type EntryFacts = Pick<JourneyEntryRecord, 'journeyId' | 'journeyVersion' | 'executionArn'> & {
  /** `attributed: false`: the goal event is counted for another journey (see attributeConversion). */
  converted?: { attributed?: boolean };
  /** A `wait` group's entry not started (yet, or ever: `waited.outcome` expired): no execution to count. */
  waiting?: { until: string };
  waited?: { outcome: string };
};

/** Whether an entry's execution was ever started (a waiting entry's is not, an expired one's never). */
export const startedEntry = (e: Pick<EntryFacts, 'waiting' | 'waited'>) =>
  e.waiting === undefined && e.waited?.outcome !== 'expired';

/** An engagement event (email-opened…) as the console counts it: its type and the message it was about. */
export interface EngagementFacts {
  type: string;
  about: { key: string; journeyId: string; stepId: string };
}

/** The table's customers, messages and journey entries now, as the console's pages count them. */
export interface StoreSnapshot {
  customers: CustomerCount[];
  messages: MessageFacts[];
  entries: (EntryFacts & ConversionFacts)[];
  /** Branch and split decisions (the experiments page counts the splits'). */
  decisions: DecisionFacts[];
  /** The experiments' recorded verdicts (EXPERIMENT#…/VERDICT): absent on a fixture that has none. */
  verdicts?: VerdictFacts[];
  /** Deliveries, opens and clicks recorded (events with `about`): absent on a fixture that has none. */
  engagement?: EngagementFacts[];
}

const FIELDS = {
  '#sk': 'sk',
  '#stage': 'stage',
  '#tier': 'tier',
  '#stageHistory': 'stageHistory',
  '#journeyId': 'journeyId',
  '#journeyVersion': 'journeyVersion',
  '#stepId': 'stepId',
  '#executionId': 'executionId',
  '#channel': 'channel',
  '#status': 'status',
  '#reason': 'reason',
  '#createdAt': 'createdAt',
  '#sentAt': 'sentAt',
  '#executionArn': 'executionArn',
  '#converted': 'converted',
  '#waiting': 'waiting',
  '#waited': 'waited',
  '#customerId': 'customerId',
  '#executionName': 'executionName',
  '#kind': 'kind',
  '#path': 'path',
  '#holdout': 'holdout',
  '#winner': 'winner',
  '#decidedAt': 'decidedAt',
  '#onWinner': 'onWinner',
  '#type': 'type',
  '#about': 'about',
};

/**
 * One Scan of the local table: local only, as settleInterruptedSends (a console on AWS would read
 * aggregates, never scan). Only the fields counted are read, so no personal data leaves the table here.
 */
export async function readSnapshot(dynamodb: DynamoDBClient, tableName: string): Promise<StoreSnapshot> {
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const out: StoreSnapshot = {
    customers: [],
    messages: [],
    entries: [],
    decisions: [],
    verdicts: [],
    engagement: [],
  };
  const pages = paginateScan(
    { client: doc },
    {
      TableName: tableName,
      ConsistentRead: true,
      FilterExpression:
        '#sk IN (:profile, :verdict) OR begins_with(#sk, :message) OR begins_with(#sk, :journey) OR begins_with(#sk, :decision) OR (begins_with(#sk, :event) AND attribute_exists(#about))',
      ProjectionExpression: Object.keys(FIELDS).join(', '),
      ExpressionAttributeNames: FIELDS,
      ExpressionAttributeValues: {
        ':profile': 'PROFILE',
        ':verdict': 'VERDICT',
        ':message': 'MESSAGE#',
        ':journey': 'JOURNEY#',
        ':decision': 'DECISION#',
        ':event': 'EVENT#',
      },
    },
  );
  for await (const page of pages)
    for (const item of page.Items ?? []) {
      const { sk, ...rest } = item as { sk: string } & Record<string, unknown>;
      if (sk === 'PROFILE') out.customers.push(rest as unknown as CustomerCount);
      else if (sk.startsWith('MESSAGE#')) out.messages.push(rest as unknown as MessageFacts);
      else if (sk.startsWith('DECISION#')) out.decisions.push(rest as unknown as DecisionFacts);
      else if (sk === 'VERDICT') out.verdicts?.push(rest as unknown as VerdictFacts);
      else if (sk.startsWith('EVENT#')) out.engagement?.push(rest as unknown as EngagementFacts);
      else out.entries.push(rest as unknown as StoreSnapshot['entries'][number]);
    }
  return out;
}
