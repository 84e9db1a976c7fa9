import * as z from '../zod';
import { Slug } from '../config/ids';
import { expect } from '../config/problems';

/**
 * Open and click tracking of email (settings.yaml `tracking`). SES tracks the emails sent through a
 * configuration set whose event destination takes Open and Click events: Rapport has two sets, and a send
 * picks the tracked one for a marketing email whose topic is tracked. Transactional email never is.
 */
export const Tracking = z.strictObject({
  marketing: z.described(
    z._default(z.boolean(expect('true or false')), true),
    'Whether marketing emails get an open pixel and click-tracked links (default: yes).',
  ),
  topics: z.described(
    z._default(z.record(Slug, z.boolean(expect('true or false'))), {}),
    'Per topic, overriding `marketing`, e.g. { service: false }.',
  ),
});
export type Tracking = z.infer<typeof Tracking>;

export const DEFAULT_TRACKING: Tracking = { marketing: true, topics: {} };

/** Whether this email is open- and click-tracked. */
export function isTracked(
  tracking: Tracking,
  message: { category: 'marketing' | 'transactional'; topic?: string | undefined },
): boolean {
  if (message.category === 'transactional') return false;
  return (message.topic === undefined ? undefined : tracking.topics[message.topic]) ?? tracking.marketing;
}

/** Links that act for the customer when followed: SES must never rewrite (or follow) them. */
const ACTION_PATHS = ['/unsubscribe?', '/preferences?', '/feedback?'];

/**
 * Marks the email's unsubscribe, preference-centre and survey links `ses:no-track`, so click tracking never
 * rewrites them: they stay the signed links they are, and following one is no "click" on the offer.
 */
export function untrackedActionLinks(html: string, base: string): string {
  const prefixes = ACTION_PATHS.map((p) => base + p);
  return html.replace(
    /<a\b([^>]*?)\bhref=(["'])([^"']*)\2/gi,
    (anchor, before: string, q: string, href: string) =>
      prefixes.some((p) => href.startsWith(p)) && !anchor.includes('ses:no-track')
        ? `<a ses:no-track${before}href=${q}${href}${q}`
        : anchor,
  );
}
