import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { LinkClaims } from './links';

/**
 * Signing the links of an email (see ./links.ts, which reads them): apart from the claims' schemas, so
 * that a send, which only signs, builds none of them.
 */

/** How long a survey's score links work. Unsubscribe links never expire: the law wants them honoured. */
export const FEEDBACK_LINK_SECONDS = 30 * 86_400;
/** How long the preference-centre link of an email works: a year, then the next email brings a new one. */
export const PREFERENCES_LINK_SECONDS = 365 * 86_400;
/** How far in the future an issue time may lie (clocks of the signer and the reader differ a little). */
export const LINK_CLOCK_SKEW_SECONDS = 300;

export function signLink(claims: LinkClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

/** The token's HMAC-SHA256 in base64url: what signs a link and what a reader checks it against. */
export function mac(body: string, secret: string): string {
  return createHmac('sha256', keyOf(secret)).update(body).digest('base64url');
}

/**
 * The secret as a key object, made once: a string key is converted on every HMAC, and an email signs two
 * links or more (a survey, thirteen). The same bytes as the string's UTF-8, so the same signatures.
 */
let lastKey: { secret: string; key: KeyObject } | undefined;
function keyOf(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(secret, 'utf8') };
  return lastKey.key;
}
