import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Signed links in emails: unsubscribe, and one-click survey scores. The token names the customer and
 * what the link does, and is signed with HMAC-SHA256, so a link cannot be altered to act on someone else
 * or to give another score.
 */
const Unsubscribe = z.object({
  customerId: z.string(),
  purpose: z.literal('unsubscribe'),
  channel: z.literal('email'),
  /** Issue time, epoch seconds. */
  iat: z.number(),
});
const Feedback = z.object({
  customerId: z.string(),
  purpose: z.literal('feedback'),
  iat: z.number(),
  /** Expiry, epoch seconds: a survey answered months later says little. */
  exp: z.number(),
  survey: z.enum(['nps', 'csat']),
  score: z.number().int(),
  journeyId: z.string(),
  stepId: z.string(),
  messageKey: z.string(),
});
const Preferences = z.object({
  customerId: z.string(),
  purpose: z.literal('preferences'),
  iat: z.number(),
  exp: z.number(),
});
export const LinkClaims = z.discriminatedUnion('purpose', [Unsubscribe, Feedback, Preferences]);
export type LinkClaims = z.infer<typeof LinkClaims>;
export type FeedbackClaims = z.infer<typeof Feedback>;
export type PreferencesClaims = z.infer<typeof Preferences>;

/** How long a survey's score links work. Unsubscribe links never expire: the law wants them honoured. */
export const FEEDBACK_LINK_SECONDS = 30 * 86_400;
/** How long the preference-centre link of an email works: a year, then the next email brings a new one. */
export const PREFERENCES_LINK_SECONDS = 365 * 86_400;

export function signLink(claims: LinkClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

export type LinkCheck<C extends LinkClaims = LinkClaims> =
  { ok: true; claims: C } | { ok: false; why: 'invalid' | 'expired' };

/** Checks signature, shape and expiry. Never throws on hostile input. */
export function checkLink(token: string, secret: string, now: Date): LinkCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, why: 'invalid' };
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, why: 'invalid' };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'invalid' };
  }
  const claims = LinkClaims.safeParse(data);
  if (!claims.success) return { ok: false, why: 'invalid' };
  if ('exp' in claims.data && claims.data.exp * 1000 < now.getTime()) return { ok: false, why: 'expired' };
  return { ok: true, claims: claims.data };
}

/**
 * `checkLink` for the page of one purpose: an intact link made for another page is as invalid as a forged
 * one, so a preference-centre token can never record a survey score, nor the reverse.
 */
export function checkLinkFor<P extends LinkClaims['purpose']>(
  purpose: P,
  token: string,
  secret: string,
  now: Date,
): LinkCheck<Extract<LinkClaims, { purpose: P }>> {
  const check = checkLink(token, secret, now);
  if (!check.ok) return check;
  return check.claims.purpose === purpose
    ? { ok: true, claims: check.claims as Extract<LinkClaims, { purpose: P }> }
    : { ok: false, why: 'invalid' };
}

/** The claims of an intact unsubscribe link (they never expire), else undefined: a survey link is not one. */
export function verifyLink(token: string, secret: string): z.infer<typeof Unsubscribe> | undefined {
  const check = checkLinkFor('unsubscribe', token, secret, new Date(0));
  return check.ok ? check.claims : undefined;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
