import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailer, RawEmail } from '../../domain/ports';

/** Builds the MIME message with nodemailer's composer: encodings, multipart/alternative and headers done right. */
export async function composeMime(email: RawEmail): Promise<Buffer> {
  const composer = new MailComposer({
    messageId: email.messageId,
    date: email.date,
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: email.headers,
    textEncoding: 'base64',
  });
  return composer.compile().build();
}

export interface SesMailerOptions {
  configurationSet?: string | undefined;
  /** The configuration set whose event destination takes Open and Click: SES tracks what goes through it. */
  trackedConfigurationSet?: string | undefined;
}

export function createSesMailer(ses: SESClient, options: SesMailerOptions): Mailer {
  return {
    async send(email) {
      const raw = await composeMime(email);
      const set = (email.tracked && options.trackedConfigurationSet) || options.configurationSet;
      const out = await ses.send(
        new SendRawEmailCommand({
          RawMessage: { Data: raw },
          Destinations: [email.to],
          Source: email.from,
          ...(set ? { ConfigurationSetName: set } : {}),
          Tags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value: sanitizeTag(Value) })),
        }),
      );
      if (!out.MessageId) throw new Error('SES accepted the message but returned no MessageId');
      return { messageId: out.MessageId };
    },
  };
}

/** SES message tags allow only ASCII letters, digits, `_` and `-`. */
function sanitizeTag(v: string): string {
  return v.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}
