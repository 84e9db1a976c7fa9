import { SendMessageBatchCommand, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { fixedClock } from '../../domain/clock';
import { tombstoneKey } from '../../domain/erase';
import { fingerprintOf, newClaim } from '../../domain/event-claim';
import type { CustomerEvent, IncomingEvent } from '../../domain/events/schema';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { batchSent, servicesOnDynalite, queueUrl } from '../support/checked-services';
import { grantedTo } from '../support/grants';
import { fixture, PURCHASE, type Table } from './support';

const NOW = '2026-11-22T10:00:02.000Z';
const INGEST_URL = queueUrl('rapport-ingest');

// As functions/accept-event/index.ts wires it: the table and the ingest queue (SQS) as accept-event's
// role lets it use them.
let table: Table;
const services = servicesOnDynalite(NOW, (t) => (table = t));

function world() {
  const queued: IncomingEvent[] = [];
  const queue = { down: false };
  services.stubs.sqs
    .on(SendMessageBatchCommand, { QueueUrl: INGEST_URL })
    .callsFake((input: SendMessageBatchCommandInput) => {
      if (queue.down) throw new Error('SQS unavailable');
      queued.push(...(input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '') as IncomingEvent));
      return batchSent(input);
    });
  const handler = createAcceptEventHandler({
    ...createObservability(),
    store: table.storeFor('accept-event'),
    clock: fixedClock(NOW),
    ingestQueue: sqsWorkQueue(grantedTo('accept-event', services.clients.sqs), INGEST_URL),
  });
  const post = async (body: unknown) => {
    const event = fixture<APIGatewayProxyEventV2>('http-api-v2-post-events.json');
    const res = (await invokeLambda('rapport-accept-event', handler, {
      ...event,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode, json: JSON.parse(res.body ?? 'null') as Record<string, unknown> };
  };
  return { store: table.store, queue, queued, post };
}

describe('accept-event: POST /events', () => {
  it('a valid event: queued as validated (its time canonical), then 202 queued naming it', async () => {
    const { post, queued } = world();
    const res = await post({ ...PURCHASE, at: '2026-11-22T18:00:00.000+08:00' });
    expect(res).toEqual({ status: 202, json: { status: 'queued', customerId: 'c-42', eventId: 'e-1' } });
    expect(queued).toEqual([{ ...PURCHASE, at: '2026-11-22T10:00:00Z' }]);
  });

  it('the queue failing: no 202 (the error is thrown, a bare 5xx the sender retries)', async () => {
    const { post, queue } = world();
    queue.down = true;
    await expect(post(PURCHASE)).rejects.toThrow('SQS unavailable');
  });

  it('an invalid event: 400 naming every problem, nothing queued', async () => {
    const { post, queued } = world();
    const res = await post({ ...PURCHASE, amount: -1, currency: 'yuan', eventId: undefined });
    expect(res.status).toBe(400);
    expect((res.json.problems as { field: string }[]).map((p) => p.field).sort()).toEqual([
      'amount',
      'currency',
      'eventId',
    ]);
    expect(queued).toEqual([]);
  });

  it('an event from before its customer’s erasure: 410 from the tombstone, nothing queued', async () => {
    const { post, queued, store } = world();
    await store.putTombstone({ key: tombstoneKey('c-42'), erasedAt: '2026-11-22T10:00:01Z' });
    const res = await post(PURCHASE);
    expect(res.status).toBe(410);
    expect(res.json).toMatchObject({ error: 'CustomerErasedError', problems: [{ field: 'at' }] });
    expect(queued).toEqual([]);
    // A returning customer's event after the erasure is queued.
    expect((await post({ ...PURCHASE, eventId: 'e-2', at: '2026-11-22T10:00:02Z' })).status).toBe(202);
    expect(queued).toHaveLength(1);
  });

  it('an event already applied: 202 duplicate, nothing queued; its id with another payload: 409', async () => {
    const { post, queued, store } = world();
    const event = { ...PURCHASE } as CustomerEvent;
    const claim = newClaim(event, fingerprintOf(event), new Date(NOW));
    await store.writeEvent({
      ...claim,
      state: 'done',
      receivedAt: NOW,
      stageChanges: [],
      tierChanges: [],
      conversions: [],
      executions: [],
    } as never);
    expect(await post(PURCHASE)).toEqual({
      status: 202,
      json: { status: 'duplicate', customerId: 'c-42', eventId: 'e-1' },
    });
    const reused = await post({ ...PURCHASE, amount: 99 });
    expect(reused.status).toBe(409);
    expect(reused.json).toMatchObject({ error: 'EventIdReusedError', problems: [{ field: 'amount' }] });
    expect(queued).toEqual([]);
  });

  it('an event whose claim is held (a delivery in progress, or one that died): queued again', async () => {
    const { post, queued, store } = world();
    const event = { ...PURCHASE } as CustomerEvent;
    await store.writeEvent(newClaim(event, fingerprintOf(event), new Date(NOW)));
    expect((await post(PURCHASE)).json).toMatchObject({ status: 'queued' });
    expect(queued).toHaveLength(1);
  });

  it('an erasure request as an event is queued like any other', async () => {
    const { post, queued } = world();
    const erase = { eventId: 'x-1', type: 'erase', customerId: 'c-42', at: '2026-11-22T10:00:00Z' };
    expect((await post(erase)).json).toEqual({ status: 'queued', customerId: 'c-42', eventId: 'x-1' });
    expect(queued).toEqual([erase]);
  });
});
