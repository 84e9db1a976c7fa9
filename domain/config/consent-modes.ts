import type { Channel } from './ids';

// Apart from settings.ts (its schemas), so that a send, which is given settings already read, builds none.

/** explicit: marketing only to customers who opted in; implied: also to those who never answered. */
export type ConsentMode = 'explicit' | 'implied';

/** Which channels need an explicit opt-in before marketing, per channel and per market (locale). */
export interface ConsentPolicy {
  email: ConsentMode;
  sms: ConsentMode;
  byLocale: Record<string, Partial<Record<Channel, ConsentMode>>>;
}

/** A bank's floor: marketing SMS only after an opt-in; email to anyone who has not opted out. */
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = { email: 'implied', sms: 'explicit', byLocale: {} };
