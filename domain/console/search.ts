import type { Channel } from '../config/ids';
import { suppressionKey } from '../messages/policy';

/** An exact email or phone looked up: by its hash only, as the address index keeps it (see rememberAddress). */
export interface AddressSearch {
  channel: Channel;
  key: string;
}

/**
 * What a search for a customer names: an email (it has an @) or a phone number (E.164: it starts with
 * +), looked up in the address index; undefined for anything else, a customer id. A customer id may hold
 * an @ too, so a caller finding no one at an email tries it as an id; no id starts with +.
 */
export function addressSearched(text: string): AddressSearch | undefined {
  const address = text.trim();
  if (address.includes('@')) return { channel: 'email', key: suppressionKey('email', address) };
  if (address.startsWith('+')) return { channel: 'sms', key: suppressionKey('sms', address) };
  return undefined;
}
