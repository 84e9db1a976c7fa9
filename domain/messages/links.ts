import { timingSafeEqual } from 'node:crypto';
import * as z from '../zod';
import { Slug } from '../config/ids';
import { expect, zodProblems } from '../config/problems';
import type { Problem } from '../errors';
import { ErasureRequest, SCORE_RANGE } from '../events/schema';
import {
  FEEDBACK_LINK_SECONDS,
  LINK_CLOCK_SKEW_SECONDS,
  mac,
  PREFERENCES_LINK_SECONDS,
} from './link-signing';

export {
  FEEDBACK_LINK_SECONDS,
  LINK_CLOCK_SKEW_SECONDS,
  PREFERENCES_LINK_SECONDS,
  signLink,
} from './link-signing';

/**
 * Signed links in emails: unsubscribe, and one-click survey scores. The token names the customer and
 * what the link does, and is signed with HMAC-SHA256, so a link cannot be altered to act on someone else
 * or to give another score.
 *
 * A valid signature proves only that a token was made with the secret, not that what it says is sane:
 * every claim is range-checked as it is read (the secret may leak, a bug may sign nonsense), so a signed
 * score of 99 is refused like a forged one, naming the claim.
 */

/** Epoch seconds of a date Rapport may have written: a whole number from 1970 to the year 9999. */
const EpochSeconds = z
  .number(expect('a time in whole epoch seconds'))
  .check(
    z.int(expect('a time in whole epoch seconds')),
    z.gte(0, expect('a time in epoch seconds after 1970')),
    z.lte(253_402_300_799, expect('a time in epoch seconds before the year 10000')),
  );
const CustomerId = ErasureRequest.shape.customerId;
/** The lifetime of a link whose expiry is `exp`: after its issue time and at most `max` seconds after it. */
const lifetime =
  (max: number) =>
  (c: { iat: number; exp: number }, ctx: z.core.$RefinementCtx<{ iat: number; exp: number }>) => {
    if (c.exp <= c.iat || c.exp - c.iat > max)
      ctx.addIssue({
        code: 'custom',
        path: ['exp'],
        input: c.exp,
        message: `expected: an expiry after the issue time and at most ${max / 86_400} days after it`,
      });
  };

const Unsubscribe = z.strictObject({
  customerId: CustomerId,
  purpose: z.literal('unsubscribe'),
  channel: z.literal('email', expect('"email" (the only channel with unsubscribe links)')),
  /** Issue time, epoch seconds. */
  iat: EpochSeconds,
});
const Feedback = z
  .strictObject({
    customerId: CustomerId,
    purpose: z.literal('feedback'),
    iat: EpochSeconds,
    /** Expiry, epoch seconds: a survey answered months later says little. */
    exp: EpochSeconds,
    survey: z.enum(['nps', 'csat'], expect('"nps" (0–10) or "csat" (1–5)')),
    score: z.number(expect('a whole-number score')).check(z.int(expect('a whole-number score'))),
    journeyId: Slug,
    stepId: Slug,
    messageKey: z.string().check(z.regex(/^[0-9a-f]{32}$/, expect('a message key: 32 hexadecimal digits'))),
  })
  .check(
    z.superRefine((c, ctx) => {
      const [min, max] = SCORE_RANGE[c.survey];
      if (c.score < min || c.score > max)
        ctx.addIssue({
          code: 'custom',
          path: ['score'],
          input: c.score,
          message: `expected: a score from ${min} to ${max} for ${c.survey}`,
        });
      lifetime(FEEDBACK_LINK_SECONDS)(c, ctx);
    }),
  );
const Preferences = z
  .strictObject({
    customerId: CustomerId,
    purpose: z.literal('preferences'),
    iat: EpochSeconds,
    exp: EpochSeconds,
  })
  .check(z.superRefine(lifetime(PREFERENCES_LINK_SECONDS)));
export const LinkClaims = z.discriminatedUnion('purpose', [Unsubscribe, Feedback, Preferences], {
  error: 'expected: "unsubscribe", "feedback" or "preferences"',
});
export type LinkClaims = z.infer<typeof LinkClaims>;
export type UnsubscribeClaims = z.infer<typeof Unsubscribe>;
export type FeedbackClaims = z.infer<typeof Feedback>;
export type PreferencesClaims = z.infer<typeof Preferences>;

/** `problems` (claim by claim) when the signature is intact but what the token says is out of range. */
export type LinkCheck<C extends LinkClaims = LinkClaims> =
  { ok: true; claims: C } | { ok: false; why: 'invalid' | 'expired'; problems?: Problem[] };

/**
 * Checks signature, then every claim, then expiry. Never throws on hostile input. Without `now` the
 * time checks are left out (an unsubscribe link never expires, and tests read tokens with no clock).
 */
export function checkLink(token: string, secret: string, now?: Date): LinkCheck {
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
  if (!claims.success)
    return { ok: false, why: 'invalid', problems: zodProblems(claims.error, data, { source: 'link' }) };
  if (now && claims.data.iat > now.getTime() / 1000 + LINK_CLOCK_SKEW_SECONDS)
    return {
      ok: false,
      why: 'invalid',
      problems: [
        { source: 'link', field: 'iat', value: claims.data.iat, expected: 'an issue time in the past' },
      ],
    };
  if (now && 'exp' in claims.data && claims.data.exp * 1000 < now.getTime())
    return { ok: false, why: 'expired' };
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
  now?: Date,
): LinkCheck<Extract<LinkClaims, { purpose: P }>> {
  const check = checkLink(token, secret, now);
  if (!check.ok) return check;
  return check.claims.purpose === purpose
    ? { ok: true, claims: check.claims as Extract<LinkClaims, { purpose: P }> }
    : {
        ok: false,
        why: 'invalid',
        problems: [
          { source: 'link', field: 'purpose', value: check.claims.purpose, expected: `"${purpose}"` },
        ],
      };
}

/** The claims of an intact unsubscribe link (they never expire), else undefined: a survey link is not one. */
export function verifyLink(token: string, secret: string, now?: Date): UnsubscribeClaims | undefined {
  const check = checkLinkFor('unsubscribe', token, secret, now);
  return check.ok ? check.claims : undefined;
}
