import { isEngagementType } from '../events/types';
import type { GraphStep } from './skeleton';
import { journeyGraph } from './steps';

/** Which send's message a wait for an engagement event is about, or why that cannot be told. */
export type EngagedSend =
  | { kind: 'none' }
  | { kind: 'send'; sendId: string }
  | { kind: 'problem'; field: 'message' | 'event'; value: unknown; expected: string };

const CHANNELS: Record<string, readonly unknown[]> = {
  'email-delivered': ['email', 'preferred'],
  'email-opened': ['email', 'preferred'],
  'email-clicked': ['email', 'preferred'],
  'sms-delivered': ['sms', 'preferred'],
};

/**
 * A `wait-for-event` on an engagement event (email-opened, email-clicked…) waits for what the customer
 * does with one message: the send step named by `message`, or else the nearest send before the wait on
 * every way that leads to it (one send, or the wait could be about different messages). `none` for a wait
 * on any other event (which may not name a message).
 */
export function engagedSendOf(steps: readonly GraphStep[], waitIndex: number): EngagedSend {
  const wait = steps[waitIndex] as (GraphStep & { event?: unknown; message?: unknown }) | undefined;
  if (wait?.type !== 'wait-for-event') return { kind: 'none' };
  const engagement = typeof wait.event === 'string' && isEngagementType(wait.event);
  if (!engagement)
    return wait.message === undefined
      ? { kind: 'none' }
      : {
          kind: 'problem',
          field: 'message',
          value: wait.message,
          expected: `no message: only a wait for email-delivered, email-opened, email-clicked or sms-delivered is about one message (this one waits for ${String(wait.event)} from the customer)`,
        };
  const sends = steps.filter((s) => s.type === 'send');
  const nearest = wait.message === undefined ? nearestSend(steps, wait.id) : undefined;
  if (typeof nearest === 'object') return nearest;
  const chosen = nearest ?? String(wait.message);
  const send = sends.find((s) => s.id === chosen) as (GraphStep & { channel?: unknown }) | undefined;
  if (!send)
    return {
      kind: 'problem',
      field: 'message',
      value: chosen,
      expected: `the id of a send step in this journey: ${sends.map((s) => s.id).join(', ') || '(none)'}`,
    };
  const channels = CHANNELS[wait.event as string] ?? [];
  if (send.channel !== undefined && !channels.includes(send.channel))
    return {
      kind: 'problem',
      field: 'message',
      value: chosen,
      expected: `a send on channel ${channels.join(' or ')} (${String(wait.event)} is about such a message; "${chosen}" sends ${String(send.channel)})`,
    };
  return { kind: 'send', sendId: chosen };
}

/** The one send that every way to the wait passes last, walking back; a problem if there is none or several. */
function nearestSend(steps: readonly GraphStep[], waitId: string): string | EngagedSend {
  const graph = journeyGraph({ steps });
  const before = new Map<string, string[]>();
  for (const [from, tos] of graph) for (const to of tos) before.set(to, [...(before.get(to) ?? []), from]);
  const found = new Set<string>();
  let fromEntry = steps[0]?.id === waitId;
  const seen = new Set<string>([waitId]);
  const stack = [...(before.get(waitId) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (steps.find((s) => s.id === id)?.type === 'send') {
      found.add(id);
      continue;
    }
    if (steps[0]?.id === id) fromEntry = true;
    stack.push(...(before.get(id) ?? []));
  }
  const expected = (why: string) =>
    `message: <the id of the send step whose email this wait is about> (${why})`;
  if (fromEntry || found.size === 0)
    return {
      kind: 'problem',
      field: 'event',
      value: waitId,
      expected: expected('a way to this wait passes no send'),
    };
  if (found.size > 1)
    return {
      kind: 'problem',
      field: 'event',
      value: waitId,
      expected: expected(`the ways to this wait pass different sends last: ${[...found].join(', ')}`),
    };
  return [...found][0]!;
}
