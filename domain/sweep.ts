import { randomUUID } from 'node:crypto';
import { assertNever } from './assert-never';
import { eachAtOnce } from './each-at-once';
import type { DuePlace, DueWork, LifecycleDeps, SweepCursors, WorkQueue } from './ports';
import { recoverClaim, type RecoveryResult } from './recover';
import { addTurns, noTurns, takeTurns, type TurnResult } from './sweep-turn';

export type { ParkedCustomer, TurnResult } from './sweep-turn';

/** One message of the sweep queue: customers found due, for one worker invocation to take in turn. */
export interface SweepWork {
  customerIds: string[];
  /** When the coordinator found them due: how far behind the workers are shows in their logs. */
  foundAt: string;
}

export interface CoordinatorDeps extends LifecycleDeps {
  queue: WorkQueue<SweepWork>;
  /** Milliseconds this run may still use, its safety margin taken off (the Lambda context on AWS). */
  remainingMs: () => number;
}

export interface CoordinatorOptions {
  /** Due shards read at once (bounded: each is a Query in flight). */
  shardConcurrency?: number;
  /** Customer ids per message: SQS bills per request, and a worker takes them one after another. */
  idsPerMessage?: number;
  /** Index items per Query page. */
  pageSize?: number;
  /** How long a shard's cursor is believed (see CURSOR_TRUST_MS). */
  cursorTrustMs?: number;
  /** Names this run's lease: a new id each run unless a test names it. */
  holder?: string;
}

/**
 * How long the coordinator believes a cursor, i.e. that the customers behind it are in the queue or done.
 * Longer than a sweep interval (an hour by default), so that an hourly sweep does not hand out a backlog
 * the workers are still working through (a million Spring Festival greetings at 100 starts a second take
 * about three hours); short enough that what the cursor could hide is late by hours, never days (a
 * customer whose new due time sorts behind it, a message that reached the dead-letter queue and was not
 * redriven): all within OCCASION_GRACE_MS. Then the shard is read from its start again, and a customer
 * still due is handed out again, which the workers' idempotence makes safe. A shard read from its cursor
 * skips its event claims too (they sort first): those are a backstop now that events reach ingest through
 * a queue, which delivers a died delivery's event again itself, so they wait for the next read from the start.
 */
export const CURSOR_TRUST_MS = 3 * 3_600_000;
/** The lease's longest life when the run's own time is unbounded (locally): a crashed run frees it then. */
const MAX_LEASE_MS = 15 * 60_000;

export interface CoordinatorResult {
  /** False when another run held the lease: this one read nothing and handed out nothing. */
  ran: boolean;
  /** Customer ids handed to the workers, and the messages that carried them. */
  queued: number;
  messages: number;
  /** Shards read to the end of what is due, and shards left when time ran out (resumed next run). */
  shardsDone: number;
  shardsLeft: number;
  /** Event claims found in the due index whose delivery died, finished here (see recoverClaim). */
  recovery: RecoveryResult;
  /** Claims still in their lease (a delivery may be at work on them): left alone, looked at next sweep. */
  claimsInLease: number;
}

/**
 * The sweep's coordinator, on a schedule. One run at a time (a lease item, taken by conditional write
 * for as long as the run may live) reads every due shard, a few at once, from where the last run left it
 * (its cursor, while believed), and hands the due customers' ids to the workers through the sweep queue,
 * many to a message; a shard's cursor moves only once its message is durable in the queue. It stops,
 * keeping its cursors, when its time is nearly up; the next run goes on from there. Event claims found on
 * the way (a delivery that died after claiming its event; read with a shard from its start) are finished
 * here as before: they are rare, and each needs the ingest path, which a worker of customers' turns does
 * not run.
 */
export async function coordinateSweep(
  deps: CoordinatorDeps,
  options: CoordinatorOptions = {},
): Promise<CoordinatorResult> {
  const now = deps.clock.now();
  const holder = options.holder ?? randomUUID();
  const until = new Date(now.getTime() + Math.min(Math.max(0, deps.remainingMs()), MAX_LEASE_MS));
  const result: CoordinatorResult = {
    ran: false,
    queued: 0,
    messages: 0,
    shardsDone: 0,
    shardsLeft: 0,
    recovery: { recovered: [], failed: [] },
    claimsInLease: 0,
  };
  const cursors = await deps.store.takeSweepLease(holder, now.toISOString(), until.toISOString());
  if (cursors === undefined) return result;
  result.ran = true;
  const run: Run = {
    deps,
    now,
    options,
    result,
    cursors: { ...cursors },
    seen: new Set(),
    outbox: [],
    sending: Promise.resolve(),
  };
  const shards = Array.from({ length: deps.store.dueShards }, (_, shard) => shard);
  try {
    await eachAtOnce(shards, options.shardConcurrency ?? 16, (shard) => sweepShard(shard, run));
    await handOut(run, true);
  } finally {
    await deps.store.leaveSweepLease(holder, run.cursors);
  }
  return result;
}

interface Run {
  deps: CoordinatorDeps;
  now: Date;
  options: CoordinatorOptions;
  result: CoordinatorResult;
  /** Updated as messages become durable; kept when the run leaves its lease. */
  cursors: SweepCursors;
  /** Customers handed out in this run: one re-indexed at a place still due is not handed out twice. */
  seen: Set<string>;
  /** Customers found due, from every shard, not yet sent: messages are filled across shards. */
  outbox: { shard: number; place: DuePlace }[];
  /** The sends, one after another, so that no cursor moves past a message not yet durable. */
  sending: Promise<void>;
}

/** Reads one shard from its cursor (if believed) to the end of what is due, or until time is up. */
async function sweepShard(shard: number, run: Run): Promise<void> {
  const { deps, now, options, result } = run;
  const trust = options.cursorTrustMs ?? CURSOR_TRUST_MS;
  const cursor = run.cursors[shard];
  const believed = cursor && now.getTime() - Date.parse(cursor.handedOutAt) < trust ? cursor : undefined;
  const after: DuePlace | undefined = believed && { dueAt: believed.dueAt, customerId: believed.customerId };
  if (deps.remainingMs() <= 0) {
    result.shardsLeft++;
    return;
  }
  const pages = deps.store.listDueShard(shard, now.toISOString(), options.pageSize ?? 1_000, after);
  for await (const page of pages) {
    for (const work of page) await take(shard, work, run);
    await handOut(run, false);
    if (deps.remainingMs() <= 0) {
      result.shardsLeft++;
      return;
    }
  }
  result.shardsDone++;
}

async function take(shard: number, work: DueWork, run: Run): Promise<void> {
  switch (work.kind) {
    case 'claim':
      if ((await recoverClaim(work, run.deps, 'honoured', run.result.recovery)) === 'in-lease')
        run.result.claimsInLease++;
      return;
    case 'customer':
      if (run.seen.has(work.customerId)) return;
      run.seen.add(work.customerId);
      run.outbox.push({ shard, place: { dueAt: work.dueAt, customerId: work.customerId } });
      return;
    default:
      return assertNever(work);
  }
}

/**
 * Sends the customers found in full messages (and, with `all`, the rest in a last one), then moves each
 * shard's cursor to its last customer sent: only what is durable in the queue is behind a cursor. A send
 * that fails fails every later one too, and the run, which keeps the cursors as they were.
 */
async function handOut(run: Run, all: boolean): Promise<void> {
  const per = run.options.idsPerMessage ?? 100;
  const count = all ? run.outbox.length : run.outbox.length - (run.outbox.length % per);
  if (count === 0) return run.sending;
  const sent = run.outbox.splice(0, count);
  const foundAt = run.now.toISOString();
  const messages: SweepWork[] = [];
  for (let i = 0; i < sent.length; i += per)
    messages.push({ customerIds: sent.slice(i, i + per).map((e) => e.place.customerId), foundAt });
  run.sending = run.sending.then(async () => {
    await run.deps.queue.send(messages);
    run.result.queued += sent.length;
    run.result.messages += messages.length;
    for (const { shard, place } of sent) run.cursors[shard] = { ...place, handedOutAt: foundAt };
  });
  return run.sending;
}

/** A whole sweep as one process runs it: coordinator and workers in turn, with their results added up. */
export type SweepResult = TurnResult & Pick<CoordinatorResult, 'recovery' | 'claimsInLease'>;

/**
 * The coordinator handing its customers straight to the workers' turns, in this process, with no time
 * limit: a replay, and tests of what a sweep does rather than how it is spread over functions.
 */
export async function sweep(deps: LifecycleDeps): Promise<SweepResult> {
  const turns = noTurns();
  const queue: WorkQueue<SweepWork> = {
    send: async (messages) => {
      for (const { customerIds } of messages) addTurns(turns, await takeTurns(customerIds, deps));
    },
  };
  const { recovery, claimsInLease } = await coordinateSweep(
    { ...deps, queue, remainingMs: () => Infinity },
    { cursorTrustMs: 0 },
  );
  return { ...turns, recovery, claimsInLease };
}
