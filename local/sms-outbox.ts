import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from './activity';

export interface LocalSms {
  messageId: string;
  at: string;
  to: string;
  body: string;
  messageType: string;
  configurationSet?: string;
  context: Record<string, string>;
}

interface SendTextMessageRequest {
  DestinationPhoneNumber?: string;
  MessageBody?: string;
  MessageType?: string;
  ConfigurationSetName?: string;
  Context?: Record<string, string>;
}

/**
 * End User Messaging SMS on this machine: it takes SendTextMessage from the real SDK client (AWS JSON 1.0,
 * as the send-message handler sends on AWS) and keeps every message in an outbox, which the local runtime
 * serves over HTTP beside the email inbox. Numbers on the opt-out list are refused as AWS refuses them.
 */
export class LocalSmsOutbox {
  readonly messages: LocalSms[] = [];
  readonly optedOut = new Set<string>();
  private server: Server | undefined;

  constructor(
    private readonly now: () => Date,
    private readonly activity: Activity,
  ) {}

  sendTextMessage(input: SendTextMessageRequest): { MessageId: string } {
    if (!input.DestinationPhoneNumber || !/^\+[1-9]\d{6,14}$/.test(input.DestinationPhoneNumber))
      throw new OutboxError(
        'ValidationException',
        'DestinationPhoneNumber must be an E.164 number such as +8613800138000',
      );
    if (!input.MessageBody) throw new OutboxError('ValidationException', 'MessageBody is required');
    if (this.optedOut.has(input.DestinationPhoneNumber))
      throw new OutboxError(
        'ConflictException',
        'the destination phone number is opted out',
        'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      );
    const message: LocalSms = {
      messageId: randomUUID(),
      at: this.now().toISOString(),
      to: input.DestinationPhoneNumber,
      body: input.MessageBody,
      messageType: input.MessageType ?? 'TRANSACTIONAL',
      ...(input.ConfigurationSetName ? { configurationSet: input.ConfigurationSetName } : {}),
      context: input.Context ?? {},
    };
    this.messages.push(message);
    return { MessageId: message.messageId };
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.activity.track(() => this.serve(req, res)));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    const target = String(req.headers['x-amz-target']);
    if (target !== 'PinpointSMSVoiceV2.SendTextMessage')
      return send(400, {
        __type: 'UnknownOperationException',
        message: `the local SMS outbox serves SendTextMessage only, not ${target}`,
      });
    try {
      send(200, this.sendTextMessage(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as never));
    } catch (e) {
      const error =
        e instanceof OutboxError ? e : new OutboxError('ValidationException', (e as Error).message);
      send(400, {
        __type: error.code,
        message: error.message,
        ...(error.reason ? { Reason: error.reason } : {}),
      });
    }
  }
}

class OutboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}
