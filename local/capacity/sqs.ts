import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { WorkQueue } from '../../domain/ports';
import type { LambdaHandler } from '../lambda';
import type { VirtualClock } from './clock';
import type { LambdaPool } from './lambda';
import { LATENCY_MS } from './latency';

export interface QueueSettings {
  /** How long a received message stays hidden before it is delivered again (s). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: number;
}

interface Message {
  id: string;
  body: string;
  receives: number;
}

export interface QueueStats {
  sent: number;
  deleted: number;
  /** Messages visible or in flight, at their most. */
  deepest: number;
  deadLetters: number;
  /** Deliveries the consumer reported failed (or whose invocation failed). */
  failedDeliveries: number;
  /** When the queue last became empty (virtual ms; 0 if never used). */
  emptiedAt: number;
}

/**
 * An SQS queue in virtual time: a WorkQueue the real producers send to, with visibility timeouts and a
 * dead-letter queue after maxReceiveCount receives. Consumed by an EventSourceMapping.
 */
export class ModelQueue<T> implements WorkQueue<T> {
  private readonly visible: Message[] = [];
  private head = 0;
  private inFlight = 0;
  private nextId = 0;
  readonly deadLetters: string[] = [];
  readonly stats: QueueStats = {
    sent: 0,
    deleted: 0,
    deepest: 0,
    deadLetters: 0,
    failedDeliveries: 0,
    emptiedAt: 0,
  };
  private readonly listeners: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly clock: VirtualClock,
    readonly settings: QueueSettings,
  ) {}

  /** SendMessageBatch, ten at a time, as adapters/sqs/work-queue.ts sends. */
  async send(messages: readonly T[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      await this.clock.sleep(LATENCY_MS.sqs);
      for (const m of messages.slice(i, i + 10))
        this.enqueue({ id: `${this.name}-${++this.nextId}`, body: JSON.stringify(m), receives: 0 });
    }
  }

  /** Messages visible and in flight. */
  get depth(): number {
    return this.visible.length - this.head + this.inFlight;
  }

  get visibleCount(): number {
    return this.visible.length - this.head;
  }

  onMessage(wake: () => void): void {
    this.listeners.push(wake);
  }

  private enqueue(m: Message, fresh = true): void {
    if (fresh) this.stats.sent++;
    this.visible.push(m);
    this.stats.deepest = Math.max(this.stats.deepest, this.depth);
    for (const wake of this.listeners) wake();
  }

  /** Receives up to `max` messages: hidden until deleted or their visibility timeout ends. */
  receive(max: number): Message[] {
    const batch = this.visible.slice(this.head, this.head + max);
    this.head += batch.length;
    if (this.head > 4096 && this.head * 2 > this.visible.length) {
      this.visible.splice(0, this.head);
      this.head = 0;
    }
    this.inFlight += batch.length;
    for (const m of batch) m.receives++;
    return batch;
  }

  delete(): void {
    this.inFlight--;
    this.stats.deleted++;
    if (this.depth === 0) this.stats.emptiedAt = this.clock.now();
  }

  /** Not deleted: visible again after the visibility timeout, or dead-lettered after its last receive. */
  fail(m: Message): void {
    this.stats.failedDeliveries++;
    this.clock.at(this.clock.now() + this.settings.visibilityTimeoutSeconds * 1000, () => {
      this.inFlight--;
      if (m.receives >= this.settings.maxReceiveCount) {
        this.deadLetters.push(m.body);
        this.stats.deadLetters++;
        if (this.depth === 0) this.stats.emptiedAt = this.clock.now();
      } else this.enqueue(m, false);
    });
  }
}

export interface MappingSettings {
  batchSize: number;
  /** The event source mapping's maximum concurrency (at least 2), bounded by the function's slots. */
  maximumConcurrency: number;
}

/**
 * An event source mapping: pollers hand batches to the function while it has free slots and the
 * mapping's maximum concurrency allows; the batch item failures the consumer reports (ReportBatchItemFailures)
 * come back after the visibility timeout, the rest is deleted. A whole failed invocation fails its batch.
 */
export class EventSourceMapping<T> {
  private active = 0;
  private scheduled = false;

  constructor(
    private readonly queue: ModelQueue<T>,
    private readonly fn: string,
    private readonly handler: LambdaHandler<SQSEvent, SQSBatchResponse | void>,
    private readonly settings: MappingSettings,
    private readonly lambda: LambdaPool,
    private readonly clock: VirtualClock,
  ) {
    queue.onMessage(() => this.wake());
    lambda.onRelease(() => this.wake());
  }

  /** Polls at the next instant: a burst of sends is received as batches, not one message at a time. */
  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.at(this.clock.now(), () => {
      this.scheduled = false;
      this.poll();
    });
  }

  private poll(): void {
    while (
      this.queue.visibleCount > 0 &&
      this.active < this.settings.maximumConcurrency &&
      this.lambda.tryAcquire(this.fn)
    ) {
      const batch = this.queue.receive(this.settings.batchSize);
      this.active++;
      void this.deliver(batch).finally(() => {
        this.active--;
        this.wake();
      });
    }
  }

  private async deliver(batch: ReturnType<ModelQueue<T>['receive']>): Promise<void> {
    await this.clock.sleep(LATENCY_MS.sqs);
    const event: SQSEvent = { Records: batch.map((m) => sqsRecord(this.queue.name, m)) };
    let failed: Set<string>;
    try {
      const response = await this.lambda.run(this.fn, this.handler, event);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.id));
    }
    for (const m of batch)
      if (failed.has(m.id)) this.queue.fail(m);
      else this.queue.delete();
  }
}

function sqsRecord(queueName: string, m: { id: string; body: string; receives: number }): SQSRecord {
  return {
    messageId: m.id,
    receiptHandle: m.id,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receives),
      SentTimestamp: '0',
      SenderId: 'capacity-model',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:model:000000000000:${queueName}`,
    awsRegion: 'model',
  };
}
