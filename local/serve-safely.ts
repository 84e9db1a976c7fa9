import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Every local server's requests go through here, so that no request to any port can end the runtime: a
 * handler that throws or rejects answers 500 (or, when the headers are already out, just ends that one
 * response), and nothing is left to become an uncaught exception or an unhandled rejection.
 */
export function containRequests(
  serve: (req: IncomingMessage, res: ServerResponse) => unknown,
  what: string,
): RequestListener {
  return (req, res) => {
    guardResponse(res);
    // A client that hangs up mid-request makes the streams emit 'error'; with no listener that would throw.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    new Promise((resolve) => resolve(serve(req, res))).catch((e: unknown) => failed(res, e, what));
  };
}

function failed(res: ServerResponse, e: unknown, what: string): void {
  console.error(`${what}: a request failed (the runtime goes on): ${(e as Error)?.message ?? String(e)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'Internal Server Error' }));
}

/**
 * Headers written after a response has started are dropped instead of thrown: aws-ses-v2-local's
 * `/get-emlContent` answers an unknown id with 400 and then, from a promise, tries to answer again, and
 * the ERR_HTTP_HEADERS_SENT it throws there is out of reach of any try/catch.
 */
function guardResponse(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    res.headersSent ? res : setHeader(name, value)) as ServerResponse['setHeader'];
  res.writeHead = ((...args: unknown[]) =>
    res.headersSent ? res : writeHead(...args)) as unknown as ServerResponse['writeHead'];
}

/** The request listener a server was created with (its only one), for calls from this process. */
export function requestListenerOf(server: Server): RequestListener {
  const listeners = server.listeners('request') as RequestListener[];
  const [listener] = listeners;
  if (!listener || listeners.length !== 1) throw new Error('expected a server with one request listener');
  return listener;
}

/**
 * Puts the request handling of a server someone else created (aws-ses-v2-local's express app) inside
 * `containRequests`, which express's own synchronous error handling does not cover.
 */
export function containServer(server: Server, what: string): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on(
    'request',
    containRequests((req, res) => listeners.forEach((l) => l(req, res)), what),
  );
}

/** A port that another program (or another Rapport) already listens on. */
export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} on ${host} (${service}) is in use`, options);
    this.name = 'PortInUseError';
  }
}

/** `server.listen` as a promise that rejects (with PortInUseError for a busy port) instead of throwing from an 'error' event. */
export async function listenOn(server: Server, port: number, host: string, service: string): Promise<string> {
  keepIdleConnections(server);
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new PortInUseError(service, port, host, { cause: e }) : e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/**
 * Node closes a connection idle for 5 s, and a client that picks that connection for its next request
 * just then gets a reset. Under virtual time real seconds pass between one virtual day's calls and the
 * next, so the local servers keep idle connections open until the runtime stops (it closes them all).
 */
export function keepIdleConnections(server: Server): void {
  server.keepAliveTimeout = 0;
}

/** Stops a server and ends its open connections (kept idle by `keepIdleConnections`), never rejecting. */
export function closeServer(server: {
  close(cb: (e?: Error) => void): unknown;
  closeAllConnections?: () => void;
}): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
