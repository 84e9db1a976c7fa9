import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links in emails (unsubscribe now; preferences and surveys later). The token names the customer
 * and the purpose and is signed with HMAC-SHA256, so a link cannot be altered to act on someone else.
 */
export interface LinkClaims {
  customerId: string;
  purpose: 'unsubscribe';
  channel: 'email';
  /** Issue time, epoch seconds. */
  iat: number;
}

export function signLink(claims: LinkClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

/** Returns the claims if the token is intact, else undefined. Never throws on hostile input. */
export function verifyLink(token: string, secret: string): LinkClaims | undefined {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<LinkClaims>;
    if (
      typeof claims.customerId !== 'string' ||
      claims.purpose !== 'unsubscribe' ||
      typeof claims.iat !== 'number'
    )
      return undefined;
    return claims as LinkClaims;
  } catch {
    return undefined;
  }
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
