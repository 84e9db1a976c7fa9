import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Activity } from './activity';
import { InProcessTransport } from './in-process-transport';
import { containRequests, listenOn } from './serve-safely';

/** An AWS API error as the SDK reads it: `__type`, `message`, and any modelled fields (e.g. `Reason`). */
export class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
    /** 4xx: the caller's SDK reports it; 5xx: the caller's SDK retries it (the local store failed). */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * A local stand-in for an AWS JSON-protocol service (EventBridge, End User Messaging SMS): a POST whose
 * `X-Amz-Target` names the operation and whose body is its input. The real SDK clients talk to it.
 */
export class AwsJsonServer {
  private server: Server | undefined;
  private readonly listener: RequestListener;
  /** For the runtime's own SDK client: its requests reach `serve` without a socket. */
  readonly transport: InProcessTransport;

  constructor(
    private readonly activity: Activity,
    private readonly protocol: '1.0' | '1.1',
    private readonly operations: Record<string, (input: never) => unknown>,
    private readonly what: string,
  ) {
    this.listener = containRequests((req, res) => this.activity.track(() => this.serve(req, res)), what);
    this.transport = new InProcessTransport(this.listener, what);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer(this.listener);
    return listenOn(this.server, port, host, this.what);
  }

  async close(): Promise<void> {
    this.transport.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': `application/x-amz-json-${this.protocol}` });
      res.end(JSON.stringify(body));
    };
    const target = String(req.headers['x-amz-target']);
    const operation = this.operations[target];
    if (!operation)
      return send(400, {
        __type: 'UnknownOperationException',
        message: `${this.what} serves ${Object.keys(this.operations).join(', ')} only, not ${target}`,
      });
    try {
      send(200, await operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as never));
    } catch (e) {
      const error =
        e instanceof AwsJsonError ? e : new AwsJsonError('ValidationException', (e as Error).message);
      send(error.status, { __type: error.code, message: error.message, ...error.fields });
    }
  }
}
