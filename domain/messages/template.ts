import * as z from '../zod';
import { expect } from '../config/problems';

/**
 * One locale of a message template (workflows/templates/<id>/<locale>.yaml); every field is Liquid.
 * The email fields (subject, text, html) come together; `sms` is the text message. A template may hold
 * either or both: a `send` step's channel decides which it needs.
 */
export const MessageTemplate = z
  .strictObject({
    subject: z.optional(
      z
        .string(expect('the subject line'))
        .check(z.minLength(1), z.maxLength(200, expect('a subject of at most 200 characters'))),
    ),
    preheader: z.optional(z.string().check(z.maxLength(200))),
    text: z.optional(z.string(expect('the plain-text body')).check(z.minLength(1))),
    html: z.optional(z.string(expect('the HTML body')).check(z.minLength(1))),
    sms: z.described(
      z.optional(
        z
          .string(expect('the text message'))
          .check(
            z.minLength(1),
            z.maxLength(1000, expect('a text message of at most 1000 characters (about 15 parts)')),
          ),
      ),
      'The SMS text. The opt-out line from the layout is added to marketing messages.',
    ),
  })
  .check(
    z.refine(
      (t) =>
        [t.subject, t.text, t.html].every((f) => f === undefined) ||
        [t.subject, t.text, t.html].every((f) => f !== undefined),
      expect('an email with all of subject, text and html (or none of them, for an SMS-only template)'),
    ),
    z.refine(
      (t) => t.subject !== undefined || t.sms !== undefined,
      expect('an email (subject, text, html) or an SMS (sms), or both'),
    ),
  );
export type MessageTemplate = z.infer<typeof MessageTemplate>;

export { hasEmail } from './email-part';

const hasContentAndUnsubscribe = (s: string) =>
  /\{\{\s*content\b/.test(s) && /\{\{\s*unsubscribeUrl\b/.test(s);
const FRAME = 'expected: a frame containing {{ content }} and the {{ unsubscribeUrl }} link';

/** The frame around every email: footer and unsubscribe link, per locale, so no template can forget them. */
export const EmailLayout = z.strictObject({
  text: z.string(expect('the plain-text frame')).check(z.refine(hasContentAndUnsubscribe, { error: FRAME })),
  html: z.string(expect('the HTML frame')).check(z.refine(hasContentAndUnsubscribe, { error: FRAME })),
  unsubscribeLabel: z.string(expect('the text of the unsubscribe link')).check(z.minLength(1)),
  smsOptOut: z.described(
    z
      .string(expect('how to opt out of text messages, e.g. "Reply STOP to opt out"'))
      .check(z.minLength(1), z.maxLength(40)),
    'Added to every marketing SMS, e.g. "Reply STOP to opt out" or "回复TD退订".',
  ),
});
export type EmailLayout = z.infer<typeof EmailLayout>;
