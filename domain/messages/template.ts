import { z } from 'zod';
import { expect } from '../config/source';

/** One locale of an email template (workflows/templates/<id>/<locale>.yaml); every field is Liquid. */
export const EmailTemplate = z.strictObject({
  subject: z
    .string(expect('the subject line'))
    .min(1)
    .max(200, expect('a subject of at most 200 characters')),
  preheader: z.string().max(200).optional(),
  text: z.string(expect('the plain-text body')).min(1),
  html: z.string(expect('the HTML body')).min(1),
});
export type EmailTemplate = z.infer<typeof EmailTemplate>;

/** The frame around every email: greeting-free footer with the unsubscribe link, per locale. */
const hasContentAndUnsubscribe = (s: string) =>
  /\{\{\s*content\b/.test(s) && /\{\{\s*unsubscribeUrl\b/.test(s);
const FRAME = 'expected: a frame containing {{ content }} and the {{ unsubscribeUrl }} link';

/** The frame around every email: footer and unsubscribe link, per locale, so no template can forget them. */
export const EmailLayout = z.strictObject({
  text: z.string(expect('the plain-text frame')).refine(hasContentAndUnsubscribe, { error: FRAME }),
  html: z.string(expect('the HTML frame')).refine(hasContentAndUnsubscribe, { error: FRAME }),
  unsubscribeLabel: z.string(expect('the text of the unsubscribe link')).min(1),
});
export type EmailLayout = z.infer<typeof EmailLayout>;
