import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import type { RequestHandler } from '@smithy/types';

/**
 * An SDK request handler that hands each request straight to a local server's request listener, in this
 * process, instead of over a socket to the same server. The SDK client is the real one (the same
 * middleware, serialisation and error parsing as on AWS); only the loopback TCP and the two HTTP parsers
 * go. They were about half of each call's CPU (BENCH_PROFILE in tests/bench/ingest.ts), and the local
 * runtime makes some 25 calls per event. The server still listens on its port for every other client.
 */
export class InProcessTransport implements RequestHandler<HttpRequest, HttpResponse> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private open = true;

  constructor(
    private readonly listener: RequestListener,
    private readonly what: string,
  ) {}

  /**
   * From now on every request fails as a refused connection would (the SDK retries it, then gives up):
   * the server behind the listener is closing, and a call into a closed dynalite is never answered.
   */
  close(): void {
    this.open = false;
  }

  handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    if (!this.open) return Promise.reject(refused(this.what));
    return new Promise((resolve, reject) => {
      const res = new LocalResponse((response) => resolve({ response }));
      try {
        this.listener(localRequest(request), res as unknown as ServerResponse);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  destroy(): void {}
}

function refused(what: string): Error {
  return Object.assign(new Error(`${what} is closed`), { code: 'ECONNREFUSED' });
}

/** The request as a server's listener reads it: method, path, lower-case headers, and the body as a stream. */
function localRequest(request: HttpRequest): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = new URLSearchParams(request.query as Record<string, string> | undefined).toString();
  const body = bodyBytes(request.body);
  const req = Readable.from(body.byteLength ? [body] : [], { objectMode: false }) as Readable &
    Record<string, unknown>;
  Object.assign(req, {
    method: request.method,
    url: `${request.path}${query ? `?${query}` : ''}`,
    headers,
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1' },
  });
  return req as unknown as IncomingMessage;
}

/**
 * The SDK's JSON body is a Uint8Array subclass whose valueOf() is a string (Buffer.from would take that
 * path and warn): the bytes are wrapped as they are.
 */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('the in-process transport takes string or byte bodies only');
}

/** What the local servers call on a response (setHeader, writeHead, end), collected into an HttpResponse. */
class LocalResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly done: (response: HttpResponse) => void) {
    super();
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  writeHead(status: number, headers?: Record<string, string | number>): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  end(body?: string | Buffer): this {
    this.headersSent = true;
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    this.done(new HttpResponse({ statusCode: this.statusCode, headers: this.headers, body: bytes }));
    this.emit('finish');
    return this;
  }
}
