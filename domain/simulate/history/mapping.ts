/**
 * How a purchase-history file maps onto Rapport events (`npx rapport simulate --history`, `import`): which
 * column holds what, and what to assume for what the file does not say. One line of the file is one
 * purchase, or one line of an order when an order column groups them.
 */
import * as z from 'zod';
import { Currency, Locale, TimeZone } from '../../config/ids';
import { Duration } from '../../config/duration';
import { expect, zodProblems } from '../../config/problems';
import { ConfigValidationError } from '../../errors';

/** A column: its name in the header line, or its position (1 is the first column). */
export const ColumnRef = z.union(
  [z.string().min(1), z.number().int().min(1)],
  expect('a column name from the header line, or a column position (1 is the first)'),
);
export type ColumnRef = z.infer<typeof ColumnRef>;

const ConsentWord = z.enum(['subscribed', 'unsubscribed'], expect('"subscribed" or "unsubscribed"'));

/** The columns a history can map, and the event field each one fills. */
export const COLUMN_FIELDS = {
  customerId: 'customerId',
  time: 'at',
  amount: 'amount',
  currency: 'currency',
  orderId: 'orderId',
  email: 'customer.email',
  phone: 'customer.phone',
  firstName: 'customer.firstName',
  locale: 'customer.locale',
  timeZone: 'customer.timeZone',
  birthday: 'customer.attributes.birthday',
  emailConsent: 'customer.consent.email',
  smsConsent: 'customer.consent.sms',
} as const;
export type MappedColumn = keyof typeof COLUMN_FIELDS;

export const HistoryColumns = z.strictObject({
  customerId: ColumnRef,
  /** ISO 8601 with an offset; a local date-time (in the customer's time zone); or a date, taken at noon. */
  time: ColumnRef,
  /** The amount of the line; an order's lines are summed. */
  amount: ColumnRef,
  currency: ColumnRef.optional(),
  /** Lines with the same order id (and customer) become one purchase. */
  orderId: ColumnRef.optional(),
  email: ColumnRef.optional(),
  phone: ColumnRef.optional(),
  firstName: ColumnRef.optional(),
  locale: ColumnRef.optional(),
  timeZone: ColumnRef.optional(),
  /** YYYY-MM-DD or MM-DD: the `birthday` attribute date-triggered journeys read. */
  birthday: ColumnRef.optional(),
  /** subscribed/unsubscribed, yes/no, true/false, y/n or 1/0. */
  emailConsent: ColumnRef.optional(),
  smsConsent: ColumnRef.optional(),
});
export type HistoryColumns = z.infer<typeof HistoryColumns>;

/**
 * What to assume for a customer when the file has no such column, or the cell is empty. In text values
 * `{customerId}` stands for the customer's id (after `customerIdPrefix`): `{customerId}@example.com`.
 */
export const HistoryDefaults = z.strictObject({
  email: z.string().optional(),
  phone: z.string().optional(),
  locale: z.optional(Locale),
  timeZone: z.optional(TimeZone),
  emailConsent: ConsentWord.optional(),
  smsConsent: ConsentWord.optional(),
});
export type HistoryDefaults = z.infer<typeof HistoryDefaults>;

export const HistoryMapping = z
  .strictObject({
    /** `csv` (RFC 4180, any one-character delimiter) or `whitespace` (columns split on runs of blanks). */
    format: z.enum(['csv', 'whitespace'], expect('"csv" or "whitespace"')).default('csv'),
    delimiter: z.string().length(1, expect('one character, e.g. "," or ";"')).default(','),
    /** Whether the first line names the columns (column names in `columns` need it). */
    header: z.boolean(expect('true or false')).default(true),
    columns: HistoryColumns,
    /** The currency of every amount, when the file has no currency column. */
    currency: z.optional(Currency),
    /** Put before every customer id, e.g. "cdnow-": keeps imported ids apart from the live ones. */
    customerIdPrefix: z.string().max(64).default(''),
    defaults: HistoryDefaults.default({}),
    /** The time zone of dates and local times of customers without one (settings `defaultTimeZone`). */
    defaultTimeZone: z._default(TimeZone, 'UTC'),
    /**
     * How much earlier than the latest time read so far a line may be, and how far apart the lines of one
     * order may be: a file sorted by date, with customers in several time zones, is not sorted by instant.
     */
    window: z._default(Duration, '2d'),
    /** Moves every time this many years (whole years keep dates, birthdays and holidays in step). */
    shiftYears: z.number().int().min(-200).max(200).default(0),
  })
  .refine(
    (m) => (m.currency === undefined) !== (m.columns.currency === undefined),
    expect('exactly one of "currency" (one currency for the whole file) or "columns.currency"'),
  );
export type HistoryMapping = z.infer<typeof HistoryMapping>;
export type HistoryMappingInput = z.input<typeof HistoryMapping>;

/**
 * CDNOW_master.txt (see ../shared/data/cdnow/README.md): `customer_id date number_of_cds dollar_value`,
 * whitespace-separated, dates as YYYYMMDD, US dollars, no order ids (each line is one order: 1,774
 * customer-days hold several). CDNOW's customers have no email, locale or time zone: each gets
 * `cdnow-<id>@example.com`, locale `en` and CDNOW's own time zone (America/New_York), so journeys can send.
 * The 1997–98 dates are moved 28 years on, to 2025–26: the Gregorian calendar repeats every 28 years
 * between 1901 and 2099 (same weekdays, same leap days), the times pass the API's `events.earliest`
 * (2000-01-01), and the holidays in settings.yaml fall within the history.
 */
export const CDNOW_MAPPING: HistoryMapping = HistoryMapping.parse({
  format: 'whitespace',
  header: true,
  columns: { customerId: 'customer_id', time: 'date', amount: 'dollar_value' },
  currency: 'USD',
  customerIdPrefix: 'cdnow-',
  defaults: { email: '{customerId}@example.com', locale: 'en', timeZone: 'America/New_York' },
  defaultTimeZone: 'America/New_York',
  shiftYears: 28,
});

/** Named mappings `--format` accepts. */
export const HISTORY_PRESETS = { cdnow: CDNOW_MAPPING } as const;
export type HistoryPreset = keyof typeof HISTORY_PRESETS;

/** A mapping as written in a file or given on the command line, checked with every problem listed. */
export function parseHistoryMapping(data: unknown, source: string): HistoryMapping {
  const result = HistoryMapping.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigValidationError(
    `Invalid history mapping ${source}`,
    zodProblems(result.error, data, { source }),
  );
}
