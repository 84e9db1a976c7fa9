import { SendTextMessageCommand, type PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { RecipientOptedOutError } from '../../domain/errors';
import type { SmsSender } from '../../domain/ports';

export interface SmsSenderOptions {
  /** Routes delivery events (and opt-outs) to their destinations; also where the opt-out list applies. */
  configurationSet?: string | undefined;
  /** A phone number, sender id or pool; absent, End User Messaging picks from the account's. */
  originationIdentity?: string | undefined;
}

/** Sends text messages through AWS End User Messaging SMS (the Pinpoint SMS and voice v2 API). */
export function createSmsSender(client: PinpointSMSVoiceV2Client, options: SmsSenderOptions = {}): SmsSender {
  return {
    async send(sms) {
      const out = await client
        .send(
          new SendTextMessageCommand({
            DestinationPhoneNumber: sms.to,
            MessageBody: sms.body,
            MessageType: sms.category === 'marketing' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
            ConfigurationSetName: options.configurationSet,
            OriginationIdentity: options.originationIdentity,
            // Context comes back in delivery events: it ties them to the customer and the journey step.
            Context: { ...sms.tags, messageKey: sms.dedupeKey },
          }),
        )
        .catch((e: unknown) => {
          const err = e as { name?: string; Reason?: string; message?: string };
          // The number replied STOP earlier and is on the opt-out list: a fact about the customer, not a fault.
          if (err.name === 'ConflictException' && err.Reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT')
            throw new RecipientOptedOutError(`${sms.to.slice(0, 4)}… is on the opt-out list`, { cause: e });
          throw e;
        });
      if (!out.MessageId) throw new Error('End User Messaging SMS returned no MessageId');
      return { messageId: out.MessageId };
    },
  };
}
