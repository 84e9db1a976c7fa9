/**
 * Keeps personal data out of the logs: log lines are read by operators and kept for weeks, customers'
 * contact details and their own words are not theirs to read. Used as the Powertools Logger's JSON
 * replacer, so it applies to every key of every line, whatever a handler passes in.
 */
export const REDACTED = '[redacted]';

/** Fields that hold contact details, names or a customer's free text, wherever they appear. */
const PERSONAL_KEYS = new Set(
  [
    'email',
    'phone',
    'phoneNumber',
    'mobile',
    'firstName',
    'lastName',
    'fullName',
    'address',
    'comment',
    'feedback',
    'freeText',
    'text',
    'html',
  ].map((k) => k.toLowerCase()),
);

// Anything with an @ inside a token (a valid address or a mistyped one), and phone numbers: E.164 and
// mainland China mobile numbers (11 digits from 13–19). Over-redaction is the safe side in a log.
const EMAILISH = /[^\s"'<>(),;:]*@[^\s"'<>(),;:]*/g;
const PHONE = /\+\d[\d\s-]{6,16}\d|(?<!\d)1[3-9]\d{9}(?!\d)/g;
// A validation message quotes the value it got: `customer.email: got "li@@example"; expected …`.
const QUOTED_PERSONAL_VALUE = new RegExp(
  `(\\b(?:${[...PERSONAL_KEYS].join('|')})\\b: got )("(?:[^"\\\\]|\\\\.)*"|[^;\\n]*)`,
  'gi',
);

function isPersonalKey(key: string): boolean {
  return PERSONAL_KEYS.has(key.toLowerCase());
}

function redactText(s: string): string {
  return s
    .replace(QUOTED_PERSONAL_VALUE, `$1${REDACTED}`)
    .replace(EMAILISH, REDACTED)
    .replace(PHONE, REDACTED);
}

/** A JSON.stringify replacer (the Powertools `jsonReplacerFn`). */
export function redactPersonalData(key: string, value: unknown): unknown {
  if (key !== '' && isPersonalKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  // A validation problem names its field apart from the value it quotes.
  if (value && typeof value === 'object' && 'field' in value && 'value' in value) {
    const field = String((value as { field: unknown }).field);
    const last =
      field
        .split(/[.[\]]/)
        .filter(Boolean)
        .at(-1) ?? '';
    if (isPersonalKey(last)) return { ...value, value: REDACTED };
  }
  return value;
}
