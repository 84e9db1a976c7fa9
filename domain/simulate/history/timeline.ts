/**
 * Purchase lines in, events out in time order: the lines of one order become one purchase, and a
 * customer's attributes become a `profile` event before the purchase that first carries them (and again
 * when they change).
 *
 * Memory: lines wait in a heap ordered by instant until the latest time read is two windows past them
 * (one window for lines read late, one for the other lines of their order), so a file in time order is
 * read with only a few days of it in memory. With `window: Infinity` nothing leaves before the end: the
 * whole file is sorted in memory. Per customer one small record stays (a hash of the attributes last
 * sent, the last order emitted), so memory grows with customers, never with lines.
 */
import { Heap } from 'heap-js';
import { InvalidEventError, type Problem } from '../../errors';
import { parseCustomerEvent } from '../../events/parse';
import type { ProfileEvent, PurchaseEvent } from '../../events/schema';
import { canonicalTime, type EventTimeWindow } from '../../events/time';
import type { HistoryRow } from './rows';

/** What a history yields: profiles and purchases, in time order. */
export type HistoryEvent = ProfileEvent | PurchaseEvent;

/** A purchase waiting for its order's other lines: the row it started from, amounts summed in. */
type Pending = HistoryRow;

interface CustomerMemo {
  attributesHash?: number;
  lastOrder?: { orderId: string; line: number };
}

export interface TimelineOptions {
  source: string;
  /** How late (ms) a line may come after later ones; Infinity to sort everything in memory. */
  windowMs: number;
  eventTimes?: EventTimeWindow | undefined;
}

export class HistoryTimeline {
  private readonly heap = new Heap<Pending>((a, b) => a.at - b.at || a.line - b.line);
  private readonly open = new Map<string, Pending>();
  private readonly customers = new Map<string, CustomerMemo>();
  private latestRead = -Infinity;
  private lastEmitted = -Infinity;

  constructor(private readonly options: TimelineOptions) {}

  /** Lines waiting to go out. */
  get size(): number {
    return this.heap.size();
  }

  /** Takes one line in; a problem when it cannot be placed (too late, or it reopens an order). */
  add(row: HistoryRow): Problem | undefined {
    if (row.at < this.lastEmitted)
      return this.problem(
        row.line,
        'at',
        canonicalTime(new Date(row.at)),
        `a time no earlier than ${canonicalTime(new Date(this.lastEmitted))}: the lines must be in time ` +
          `order (lines up to the mapping's window apart may be out of order); sort the file by time, or ` +
          `read it sorted in memory (order: "any")`,
      );
    this.latestRead = Math.max(this.latestRead, row.at);
    if (row.orderId === undefined) {
      this.heap.push({ ...row });
      return undefined;
    }
    const key = `${row.customerId}\u0000${row.orderId}`;
    const order = this.open.get(key);
    if (!order) return this.openOrder(key, row);
    if (order.currency !== row.currency)
      return this.problem(
        row.line,
        'currency',
        row.currency,
        `${order.currency}, the currency of the order's line ${order.line}`,
      );
    order.amount += row.amount;
    if (row.at < order.at) {
      // The order is as old as its earliest line.
      this.heap.remove(order);
      Object.assign(order, { at: row.at, line: row.line, customer: row.customer ?? order.customer });
      this.heap.push(order);
    }
    return undefined;
  }

  /** The events whose lines can no longer change (all of them at the end), in time order. */
  *ready(atEnd: boolean): Generator<HistoryEvent | Problem> {
    const horizon = atEnd ? Infinity : this.latestRead - 2 * this.options.windowMs;
    for (let next = this.heap.peek(); next && next.at < horizon; next = this.heap.peek()) {
      this.heap.pop();
      this.lastEmitted = next.at;
      if (next.orderId !== undefined) this.open.delete(`${next.customerId}\u0000${next.orderId}`);
      yield* this.eventsOf(next);
    }
  }

  private openOrder(key: string, row: HistoryRow): Problem | undefined {
    const last = this.customers.get(row.customerId)?.lastOrder;
    if (last && last.orderId === row.orderId)
      return this.problem(
        row.line,
        'orderId',
        row.orderId,
        `a new order id: order ${JSON.stringify(row.orderId)} began on line ${last.line}, more than the ` +
          `mapping's window earlier; all lines of one order must lie within the window of each other`,
      );
    const order = { ...row };
    this.open.set(key, order);
    this.heap.push(order);
    return undefined;
  }

  private *eventsOf(p: Pending): Generator<HistoryEvent | Problem> {
    const memo = this.customers.get(p.customerId) ?? {};
    this.customers.set(p.customerId, memo);
    if (p.orderId !== undefined) memo.lastOrder = { orderId: p.orderId, line: p.line };
    const at = canonicalTime(new Date(p.at));
    if (p.customer) {
      const hash = fnv1a(JSON.stringify(p.customer));
      if (hash !== memo.attributesHash) {
        memo.attributesHash = hash;
        const profile = {
          eventId: `profile-line-${p.line}`,
          type: 'profile',
          customerId: p.customerId,
          at,
          customer: p.customer,
        } as const;
        yield this.validated(profile, p);
      }
    }
    const eventId =
      p.orderId !== undefined && p.orderId.length <= 122 ? `order-${p.orderId}` : `line-${p.line}`;
    const purchase = {
      eventId,
      type: 'purchase',
      customerId: p.customerId,
      at,
      // Summing 11.77 and 12.00 gives 23.770000000000003: an amount keeps 15 significant digits.
      amount: Number(p.amount.toPrecision(15)),
      currency: p.currency,
      ...(p.orderId === undefined ? {} : { orderId: p.orderId }),
    } as const;
    yield this.validated(purchase, p);
  }

  /** Each line was valid; an order's sum may still not be (too large to store): checked as ingest would. */
  private validated(event: HistoryEvent, p: Pending): HistoryEvent | Problem {
    try {
      const { eventTimes } = this.options;
      const checks = eventTimes ? { now: new Date(p.at), window: eventTimes } : undefined;
      return parseCustomerEvent(event, this.options.source, checks) as HistoryEvent;
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      const first = error.problems[0];
      return this.problem(p.line, first?.field ?? '', first?.value, first?.expected ?? 'a valid event');
    }
  }

  private problem(line: number, field: string, value: unknown, expected: string): Problem {
    return { source: this.options.source, line, field, value, expected };
  }
}

/** 32-bit FNV-1a: tells whether a customer's attributes changed without keeping them (a million customers). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function isProblem(x: HistoryEvent | Problem): x is Problem {
  return 'expected' in x;
}
