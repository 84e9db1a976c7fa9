import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadWorkflows } from '../../../domain/config/load';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../../domain/config/scale';
import { LATENCY_MS } from '../latency';
import { CapacityModel, type Figures, type Quotas } from '../model';
import { runPipeline, type PipelineContext } from '../pipeline';
import { quietHandlers } from '../quiet';
import { TokenBucket } from '../token-bucket';

export interface EventBurstOptions {
  workflowsDir: string;
  eventsPerSecond: number;
  seconds: number;
  /** The share of the events sent to POST /events; the rest is put on the EventBridge bus (0.5). */
  apiShare?: number;
  scale?: Partial<Scale>;
  quotas?: Partial<Quotas>;
  /** The window peak rates are averaged over (ms): longer in a model scaled down. */
  rateWindowMs?: number;
}

export interface EventBurstResult {
  figures: Figures;
  /** Events sent, accepted by the API (202) and put on the bus (each once, in the end). */
  events: number;
  acceptedByApi: number;
  putOnBus: number;
  /** POST /events answered 429 (the route's throttle) and sent again by the client after a backoff. */
  throttled: number;
  /** Requests the route let through at its busiest (per second). */
  peakApiPerSecond: number;
  /** Of those, refused because accept-event had no free Lambda slot (API Gateway answers 5xx). */
  lambdaThrottled: number;
  /** Events whose record is in the store (applied), and customers with a profile, at the end. */
  applied: number;
  profiles: number;
  /** Executions started (StartExecution let through), and journey starts queued by ingest. */
  journeysStarted: number;
  /** Virtual seconds from the first event until the last was accepted, and until every queue was empty. */
  lastAcceptedAfterSeconds: number;
  drainedAfterSeconds: number;
  /** The first event's time (virtual ms). */
  startedAt: number;
  cpuSeconds: number;
}

const START = '2026-11-23T02:00:00.000Z';

/** The client's backoff after a 429: exponential from 100 ms to 20 s, with full jitter (AWS's advice). */
const BACKOFF = { baseMs: 100, capMs: 20_000 };

/**
 * Scenario 2 of #12: a burst of first purchases, half through POST /events (the route's throttle, a
 * token bucket of eventsApiPerSecond with a burst of twice that; a 429 is sent again by the client after
 * a backoff), half through EventBridge (its rule puts the envelope on the ingest queue). The real
 * accept-event, then ingest-event from the ingest queue, start-journey from the start queue, and the
 * executions. Each event is a new customer's first purchase, which starts the first-purchase journey.
 * Runs until the queues are empty; the executions are left where they wait.
 */
export async function eventBurst(options: EventBurstOptions): Promise<EventBurstResult> {
  quietHandlers();
  const cpu0 = process.cpuUsage();
  const scale: Scale = { ...DEFAULT_SCALE, ...options.scale };
  const workflows = loadWorkflows(options.workflowsDir);
  const { model, route } = burstModel(options, scale);
  const total = Math.round(options.eventsPerSecond * options.seconds);
  const start = Date.parse(START);
  const client: Client = { accepted: 0, put: 0, throttled: 0, lambdaThrottled: 0, lastAt: start };
  let drainedAt = start;
  try {
    const ctx = await runPipeline(model, {
      workflows,
      journeys: workflows.journeys,
      drive: (c) => {
        // Evenly interleaved: event i goes to the API when it takes the API's count past a whole number.
        const share = options.apiShare ?? 0.5;
        const viaApi = (i: number) => Math.floor((i + 1) * share) > Math.floor(i * share);
        for (let i = 0; i < total; i++)
          model.clock.at(start + Math.floor((i * 1000) / options.eventsPerSecond), () => {
            if (viaApi(i)) void post(c, route, client, i, 0);
            else void putEvent(c, client, i);
          });
      },
      done: (c) => {
        if (client.accepted + client.put < total || !queuesEmpty(c)) return false;
        drainedAt = model.clock.now();
        return true;
      },
    });
    const applied = await appliedEvents(ctx, total);
    return {
      figures: model.figures(),
      events: total,
      acceptedByApi: client.accepted,
      putOnBus: client.put,
      throttled: client.throttled,
      peakApiPerSecond: route.peakPerSecond,
      lambdaThrottled: client.lambdaThrottled,
      applied,
      profiles: model.memory.profiles.size,
      journeysStarted: model.startBucket.taken,
      lastAcceptedAfterSeconds: (client.lastAt - start) / 1000,
      drainedAfterSeconds: (drainedAt - start) / 1000,
      startedAt: start,
      cpuSeconds: cpuSince(cpu0),
    };
  } finally {
    await model.close();
  }
}

/** The pipeline as sized by `scale`, and the API route's throttle in front of it. */
function burstModel(options: EventBurstOptions, scale: Scale): { model: CapacityModel; route: TokenBucket } {
  const model = new CapacityModel({
    start: START,
    scale,
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}),
    reserved: { 'send-message': sendConcurrency(scale) },
  });
  // The route's throttle (infra/events-api.ts routeThrottle): eventsApiPerSecond, a burst of twice that.
  const route = new TokenBucket(
    { burst: 2 * scale.eventsApiPerSecond, perSecond: scale.eventsApiPerSecond },
    () => model.clock.now(),
    () => 1,
    options.rateWindowMs,
  );
  return { model, route };
}

interface Client {
  accepted: number;
  put: number;
  throttled: number;
  lambdaThrottled: number;
  lastAt: number;
}

/** One POST /events: through the route's throttle to accept-event; a 429 or 5xx is sent again later. */
async function post(ctx: PipelineContext, route: TokenBucket, client: Client, i: number, attempt: number) {
  const { model } = ctx;
  const again = () => {
    client.throttled++;
    const delay = jitter(i, attempt) * Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** attempt);
    model.clock.at(model.clock.now() + delay, () => void post(ctx, route, client, i, attempt + 1));
  };
  if (!route.take()) return again();
  if (!model.lambda.tryAcquire('accept-event')) {
    client.lambdaThrottled++;
    return again();
  }
  const response = await model.lambda.run('accept-event', ctx.acceptEvent, request(i)).catch(() => undefined);
  if (response?.statusCode !== 202) return again();
  client.accepted++;
  client.lastAt = Math.max(client.lastAt, model.clock.now());
}

/** PutEvents; the rule's SQS target puts the whole envelope on the ingest queue. */
async function putEvent(ctx: PipelineContext, client: Client, i: number) {
  const { model } = ctx;
  await model.clock.sleep(LATENCY_MS.eventBridge);
  await ctx.queues.ingest.send([eventBridgeEnvelope(purchase(i)) as never]);
  client.put++;
  client.lastAt = Math.max(client.lastAt, model.clock.now());
}

/** A deterministic "random" share in [0.5, 1) per event and attempt: runs repeat exactly. */
function jitter(i: number, attempt: number): number {
  const x = Math.sin(i * 12.9898 + attempt * 78.233) * 43_758.5453;
  return 0.5 + (x - Math.floor(x)) / 2;
}

function queuesEmpty(ctx: PipelineContext): boolean {
  return Object.values(ctx.queues).every((q) => q.depth === 0);
}

async function appliedEvents(ctx: PipelineContext, total: number): Promise<number> {
  let applied = 0;
  for (let i = 0; i < total; i++) if (await ctx.model.memory.getEvent(`b${i}`, `burst-${i}`)) applied++;
  return applied;
}

function purchase(i: number) {
  return {
    eventId: `burst-${i}`,
    type: 'purchase',
    customerId: `b${i}`,
    at: START,
    amount: 19.9,
    currency: 'CNY',
    customer: { email: `b${i}@example.com`, locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
  };
}

function request(i: number): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /events',
    rawPath: '/events',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'model',
      domainName: 'model',
      domainPrefix: 'model',
      http: {
        method: 'POST',
        path: '/events',
        protocol: 'HTTP/1.1',
        sourceIp: '0.0.0.0',
        userAgent: 'model',
      },
      requestId: `request-${i}`,
      routeKey: 'POST /events',
      stage: '$default',
      time: START,
      timeEpoch: Date.parse(START),
    },
    body: JSON.stringify(purchase(i)),
    isBase64Encoded: false,
  };
}

function eventBridgeEnvelope(detail: ReturnType<typeof purchase>) {
  return {
    version: '0',
    id: `model-${detail.eventId}`,
    'detail-type': 'Customer Event',
    source: 'rapport.events',
    account: '000000000000',
    time: detail.at,
    region: 'model',
    resources: [],
    detail,
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
