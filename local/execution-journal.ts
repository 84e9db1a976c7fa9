import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../adapters/dynamodb/table';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/**
 * Where a running execution waits, written when it starts waiting: enough to resume it there after a
 * restart. Between two checkpoints nothing is kept: a resumed execution runs the states after its last
 * checkpoint again, which is safe because every Rapport task is idempotent per execution and step.
 */
export type Checkpoint =
  | {
      kind: 'wait';
      /** The Wait state, and the raw input it was entered with. */
      state: string;
      input: unknown;
      enteredAt: string;
      /** When the wait ends: the original due time, kept across restarts. */
      dueAt: string;
    }
  | {
      kind: 'callback';
      /** The `.waitForTaskToken` Task state, and the raw input it was entered with. */
      state: string;
      input: unknown;
      enteredAt: string;
      /** The token handed out; the same one is waited for again after a restart. */
      token: string;
      /** When the state's TimeoutSeconds runs out (absent: no timeout). */
      deadline?: string;
    };

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The compiled ASL's hash: a resumed execution runs the version it started with, not the latest. */
  definitionHash: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  checkpoint?: Checkpoint;
  statesEntered: { name: string; at: string }[];
}

export function definitionHash(asl: string): string {
  return createHash('sha256').update(asl).digest('hex').slice(0, 32);
}

/** What the local Step Functions asks of its journal: kept in the local DynamoDB, or in memory (the simulator). */
export interface Journal {
  /**
   * False for a journal that keeps only execution names (the simulator's): the timeline of states entered
   * and the checkpoints of Waits are then not built for it, as it never shows or resumes an execution.
   */
  readonly keepsProgress?: boolean;
  keepDefinition(hash: string, asl: string): Promise<void>;
  definition(hash: string): Promise<string | undefined>;
  /** Records a new execution; false when one with that ARN was already recorded. */
  started(record: ExecutionRecord): Promise<boolean>;
  checkpoint(
    executionArn: string,
    checkpoint: Checkpoint,
    statesEntered: ExecutionRecord['statesEntered'],
  ): Promise<void>;
  finished(
    record: Pick<ExecutionRecord, 'executionArn' | 'status' | 'stopDate' | 'output' | 'error' | 'cause'> &
      Pick<ExecutionRecord, 'statesEntered'>,
  ): Promise<void>;
  /** Every execution recorded, oldest first. */
  all(): Promise<ExecutionRecord[]>;
}

/**
 * A journal that keeps nothing but names: for a run that never restarts (the simulator), where only
 * "a name is used once" matters. Executions themselves live in the LocalStepFunctions' own memory.
 */
export class NamesOnlyJournal implements Journal {
  readonly keepsProgress = false;
  private readonly names = new Set<string>();
  async keepDefinition(): Promise<void> {}
  async definition(): Promise<string | undefined> {
    return undefined;
  }
  async started(record: ExecutionRecord): Promise<boolean> {
    if (this.names.has(record.executionArn)) return false;
    this.names.add(record.executionArn);
    return true;
  }
  async checkpoint(): Promise<void> {}
  async finished(): Promise<void> {}
  async all(): Promise<ExecutionRecord[]> {
    return [];
  }
}

const key = {
  execution: (arn: string) => ({ pk: `EXECUTION#${arn}`, sk: 'EXECUTION' }),
  definition: (hash: string) => ({ pk: `DEFINITION#${hash}`, sk: 'DEFINITION' }),
};

/**
 * The local Step Functions' memory of its executions, in the local DynamoDB (a table of its own beside
 * Rapport's, in the same data folder): each execution as started, its last checkpoint and how it ended,
 * and every ASL version an execution started on. This is what AWS keeps for a Standard workflow, and
 * what lets `npm start` resume every journey after a crash or a restart.
 */
export class ExecutionJournal implements Journal {
  private readonly doc: DynamoDBDocumentClient;
  private readonly definitionsKept = new Set<string>();

  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async open(): Promise<void> {
    await ensureTable(this.client, this.tableName);
  }

  /** Keeps an ASL version (once per process and hash): executions started on it can be resumed on it. */
  async keepDefinition(hash: string, asl: string): Promise<void> {
    if (this.definitionsKept.has(hash)) return;
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...key.definition(hash), asl } }),
    );
    this.definitionsKept.add(hash);
  }

  async definition(hash: string): Promise<string | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key.definition(hash), ConsistentRead: true }),
    );
    return Item ? String(Item.asl) : undefined;
  }

  /** Records a new execution; false when one with that ARN was already recorded (a name is used once). */
  async started(record: ExecutionRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key.execution(record.executionArn), ...serialise(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async checkpoint(
    executionArn: string,
    checkpoint: Checkpoint,
    statesEntered: ExecutionRecord['statesEntered'],
  ): Promise<void> {
    await this.update(executionArn, {
      checkpoint: JSON.stringify(checkpoint),
      statesEntered: JSON.stringify(statesEntered),
    });
  }

  async finished(
    record: Pick<ExecutionRecord, 'executionArn' | 'status' | 'stopDate' | 'output' | 'error' | 'cause'> &
      Pick<ExecutionRecord, 'statesEntered'>,
  ): Promise<void> {
    const { executionArn, statesEntered, ...end } = record;
    await this.update(executionArn, { ...end, statesEntered: JSON.stringify(statesEntered) });
  }

  /** Every execution recorded, oldest first. */
  async all(): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    const pages = paginateScan(
      { client: this.doc },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :execution',
        ExpressionAttributeValues: { ':execution': 'EXECUTION' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(deserialise(item));
    return records.sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  private async update(executionArn: string, fields: Record<string, unknown>): Promise<void> {
    const present = Object.entries(fields).filter(([, v]) => v !== undefined);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.execution(executionArn),
        UpdateExpression: `SET ${present.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(present.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(present.map(([, value], i) => [`:v${i}`, value])),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}

/** The checkpoint and the states are JSON text: a state's input may hold values DynamoDB maps refuse. */
function serialise(record: ExecutionRecord): Record<string, unknown> {
  return {
    ...record,
    checkpoint: record.checkpoint && JSON.stringify(record.checkpoint),
    statesEntered: JSON.stringify(record.statesEntered),
  };
}

function deserialise(item: Record<string, unknown>): ExecutionRecord {
  const { pk: _pk, sk: _sk, checkpoint, statesEntered, ...rest } = item;
  return {
    ...(rest as Omit<ExecutionRecord, 'checkpoint' | 'statesEntered'>),
    ...(typeof checkpoint === 'string' ? { checkpoint: JSON.parse(checkpoint) as Checkpoint } : {}),
    statesEntered: typeof statesEntered === 'string' ? (JSON.parse(statesEntered) as []) : [],
  };
}
