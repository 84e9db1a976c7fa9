import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HTTP_ROUTES, type FunctionName } from '../functions/routes';
import { errorBody, internalErrorBody, PayloadTooLargeError } from '../functions/shared/http';
import { redactPersonalData } from '../functions/shared/redact';
import type { Activity } from './activity';
import { LOCAL_ACCOUNT } from './lambda';
import { listenOn } from './serve-safely';

/** API Gateway's own payload limit; the handlers apply Rapport's stricter one. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
const DRAIN_MAX_BYTES = 4 * GATEWAY_MAX_BYTES;

export type Invoke = (
  fn: FunctionName,
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The HTTP API on this machine: each request becomes the API Gateway v2 event a Lambda receives on AWS,
 * for the same routes. IAM authorization is not checked locally (there are no credentials to check).
 */
export class LocalHttpApi {
  private server: Server | undefined;
  /** Settles true when held requests may be served, false when the API closes first. */
  private gate: { opened: Promise<boolean>; settle: (open: boolean) => void } | undefined;
  private readonly extra = new Map<
    string,
    (req: IncomingMessage, res: ServerResponse) => void | Promise<void>
  >();

  constructor(
    private readonly invoke: Invoke,
    private readonly activity: Activity,
    private readonly now: () => Date,
  ) {}

  /** Local-only pages (the landing page, a list of executions) that have no AWS counterpart. */
  addLocalRoute(
    path: string,
    serve: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
    method: 'GET' | 'POST' = 'GET',
  ): void {
    this.extra.set(`${method} ${path}`, serve);
  }

  /**
   * Holds every request until `open()`: the local runtime listens before its start-up is done (links in
   * messages need the address) and serves nothing until it is. A request held when the API closes is
   * answered 503, so none is left hanging.
   */
  holdRequests(): void {
    let settle!: (open: boolean) => void;
    const opened = new Promise<boolean>((resolve) => (settle = resolve));
    this.gate = { opened, settle };
  }

  /** Serves the requests held since `holdRequests()`, and every one after. */
  open(): void {
    this.gate?.settle(true);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const requestId = randomUUID();
      void this.activity
        .track(async () => {
          if (this.gate && !(await this.gate.opened)) return unavailable(res, requestId);
          return this.serve(req, res, requestId);
        })
        .catch((e: unknown) => {
          // The cause goes to the console (the local log); the answer says only where to look.
          console.error(`request ${requestId} failed:`, redactPersonalData('', (e as Error)?.message ?? e));
          answerJson(res, 500, internalErrorBody(requestId));
        });
    });
    return listenOn(this.server, port, host, 'events API');
  }

  async close(): Promise<void> {
    this.gate?.settle(false);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let pathParameters: Record<string, string> | undefined;
    const route = HTTP_ROUTES.find((r) => {
      if (r.method !== req.method) return false;
      const params = matchPath(r.path, url.pathname);
      if (params) pathParameters = params;
      return params !== undefined;
    });
    if (!route) {
      const local = this.extra.get(`${req.method} ${url.pathname}`);
      if (local) return local(req, res);
      return noRoute(req, res, url.pathname, requestId);
    }
    const body = await readBody(req, res, requestId);
    if (body === undefined) return;
    const event = gatewayEvent(req, { url, route, pathParameters, body, now: this.now(), requestId });
    const out = await this.invoke(route.function, event);
    res.writeHead(out.statusCode ?? 200, out.headers as Record<string, string> | undefined);
    res.end(out.body ?? '');
  }
}

/** What API Gateway answers a request no route takes: 405 on a known path, else 404. */
function noRoute(req: IncomingMessage, res: ServerResponse, pathname: string, requestId: string): void {
  const allowed = HTTP_ROUTES.filter((r) => matchPath(r.path, pathname)).map((r) => r.method);
  const known = allowed.length > 0;
  const status = known ? 405 : 404;
  const expected = known
    ? `one of ${allowed.join(', ')}`
    : `one of ${HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).join(', ')}`;
  answerJson(res, status, {
    error: known ? 'MethodNotAllowed' : 'NotFound',
    message: known ? 'Method Not Allowed' : 'Not Found',
    problems: [{ field: known ? 'method' : 'path', value: known ? req.method : pathname, expected }],
    requestId,
  });
}

/** The body as API Gateway takes it; undefined when it was too large (answered 413, or cut off). */
async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    // Read on (and discard) past the limit, so the client is still listening when the 413 comes; a
    // body far beyond it is cut off.
    if (size > DRAIN_MAX_BYTES) return void req.destroy();
    if (size <= GATEWAY_MAX_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > GATEWAY_MAX_BYTES) {
    const tooLarge = new PayloadTooLargeError('Request Entity Too Large');
    const problems = [{ field: '', expected: `a body of at most ${GATEWAY_MAX_BYTES} bytes` }];
    answerJson(res, 413, errorBody(tooLarge, problems, requestId));
    return;
  }
  return Buffer.concat(chunks);
}

/** The request as API Gateway (payload format 2.0) hands it to the function. */
function gatewayEvent(
  req: IncomingMessage,
  {
    url,
    route,
    pathParameters,
    body,
    now,
    requestId,
  }: {
    url: URL;
    route: (typeof HTTP_ROUTES)[number];
    pathParameters: Record<string, string> | undefined;
    body: Buffer;
    now: Date;
    requestId: string;
  },
): APIGatewayProxyEventV2 {
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.byteLength ? { body: isText ? text : body.toString('base64') } : {}),
    isBase64Encoded: body.byteLength > 0 && !isText,
  };
}

function unavailable(res: ServerResponse, requestId: string): void {
  const body = { error: 'ServiceUnavailable', message: 'Rapport is stopping: send it again once it runs' };
  answerJson(res, 503, { ...body, problems: [], requestId });
}

/** A JSON answer; after a partial answer (headers already sent) only its end. */
function answerJson(res: ServerResponse, status: number, body: object): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** API Gateway's `{name}` path parameters: one whole segment each, URL-decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = got[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (!segment) return undefined;
      try {
        params[name] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) return undefined;
  }
  return params;
}
