import * as z from 'zod';
import { expect } from '../config/problems';

/**
 * One locale of a message template (workflows/templates/<id>/<locale>.yaml); every field is Liquid.
 * The email fields (subject, text, html) come together; `sms` is the text message. A template may hold
 * either or both: a `send` step's channel decides which it needs.
 */
export const MessageTemplate = z
  .strictObject({
    subject: z
      .string(expect('the subject line'))
      .min(1)
      .max(200, expect('a subject of at most 200 characters'))
      .optional(),
    preheader: z.string().max(200).optional(),
    text: z.string(expect('the plain-text body')).min(1).optional(),
    html: z.string(expect('the HTML body')).min(1).optional(),
    sms: z
      .string(expect('the text message'))
      .min(1)
      .max(1000, expect('a text message of at most 1000 characters (about 15 parts)'))
      .optional()
      .describe('The SMS text. The opt-out line from the layout is added to marketing messages.'),
  })
  .refine(
    (t) =>
      [t.subject, t.text, t.html].every((f) => f === undefined) ||
      [t.subject, t.text, t.html].every((f) => f !== undefined),
    expect('an email with all of subject, text and html (or none of them, for an SMS-only template)'),
  )
  .refine(
    (t) => t.subject !== undefined || t.sms !== undefined,
    expect('an email (subject, text, html) or an SMS (sms), or both'),
  );
export type MessageTemplate = z.infer<typeof MessageTemplate>;

/** The email part of a template, when it has one. */
export function hasEmail(
  t: MessageTemplate,
): t is MessageTemplate & { subject: string; text: string; html: string } {
  return t.subject !== undefined && t.text !== undefined && t.html !== undefined;
}

const hasContentAndUnsubscribe = (s: string) =>
  /\{\{\s*content\b/.test(s) && /\{\{\s*unsubscribeUrl\b/.test(s);
const FRAME = 'expected: a frame containing {{ content }} and the {{ unsubscribeUrl }} link';

/** The frame around every email: footer and unsubscribe link, per locale, so no template can forget them. */
export const EmailLayout = z.strictObject({
  text: z.string(expect('the plain-text frame')).refine(hasContentAndUnsubscribe, { error: FRAME }),
  html: z.string(expect('the HTML frame')).refine(hasContentAndUnsubscribe, { error: FRAME }),
  unsubscribeLabel: z.string(expect('the text of the unsubscribe link')).min(1),
  smsOptOut: z
    .string(expect('how to opt out of text messages, e.g. "Reply STOP to opt out"'))
    .min(1)
    .max(40)
    .describe('Added to every marketing SMS, e.g. "Reply STOP to opt out" or "回复TD退订".'),
});
export type EmailLayout = z.infer<typeof EmailLayout>;
