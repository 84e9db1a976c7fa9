import { randomUUID } from 'node:crypto';
import type { Activity } from './activity';
import type { InProcessTransport } from './in-process-transport';
import { AwsJsonError, AwsJsonServer } from './aws-json-server';

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
  private readonly server: AwsJsonServer;

  constructor(
    private readonly now: () => Date,
    activity: Activity,
  ) {
    this.server = new AwsJsonServer(
      activity,
      '1.0',
      {
        'PinpointSMSVoiceV2.SendTextMessage': (input: SendTextMessageRequest) => this.sendTextMessage(input),
      },
      'the local SMS outbox',
    );
  }

  sendTextMessage(input: SendTextMessageRequest): { MessageId: string } {
    if (!input.DestinationPhoneNumber || !/^\+[1-9]\d{6,14}$/.test(input.DestinationPhoneNumber))
      throw new AwsJsonError(
        'ValidationException',
        'DestinationPhoneNumber must be an E.164 number such as +8613800138000',
      );
    if (!input.MessageBody) throw new AwsJsonError('ValidationException', 'MessageBody is required');
    if (this.optedOut.has(input.DestinationPhoneNumber))
      throw new AwsJsonError('ConflictException', 'the destination phone number is opted out', {
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      });
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

  /** What the runtime's own SDK client sends its requests through (no socket). */
  get transport(): InProcessTransport {
    return this.server.transport;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
