/**
 * One record of a history as one purchase line, validated exactly as the API validates an event
 * (`parseCustomerEvent`, the function ingest uses), with every problem placed at its line and column.
 */
import { isTimeZone } from '../../config/ids';
import { InvalidEventError, type Problem } from '../../errors';
import { parseCustomerEvent } from '../../events/parse';
import type { CustomerAttributes, PurchaseEvent } from '../../events/schema';
import { canonicalTime, type EventTimeWindow } from '../../events/time';
import type { ColumnPlaces } from './columns';
import { COLUMN_FIELDS, type HistoryMapping, type MappedColumn } from './mapping';
import type { HistoryRecord } from './records';
import { historyInstant, TIME_EXPECTED } from './time';
import { namesCalendarDay } from '../../time/utc-year';

export interface HistoryRow {
  line: number;
  customerId: string;
  /** Epoch milliseconds: rows sort by instant, never by the text of their times. */
  at: number;
  amount: number;
  currency: string;
  orderId?: string;
  /** What the line says about the customer (its columns, else the mapping's defaults). */
  customer?: CustomerAttributes;
}

export interface RowOptions {
  /** Names the file in problems. */
  source: string;
  /** settings.yaml `events`: each line is checked as if posted at its own time (the simulator's clock). */
  eventTimes?: EventTimeWindow | undefined;
}

const CONSENT_WORDS: Record<string, 'subscribed' | 'unsubscribed'> = {
  subscribed: 'subscribed',
  yes: 'subscribed',
  y: 'subscribed',
  true: 'subscribed',
  '1': 'subscribed',
  'opt-in': 'subscribed',
  unsubscribed: 'unsubscribed',
  no: 'unsubscribed',
  n: 'unsubscribed',
  false: 'unsubscribed',
  '0': 'unsubscribed',
  'opt-out': 'unsubscribed',
};
const BIRTHDAY = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;
const FIELD_COLUMNS = new Map(
  Object.entries(COLUMN_FIELDS).map(([k, f]) => [f as string, k as MappedColumn]),
);

/** Reads records as purchase lines; a record with any problem gives no row. */
export function rowReader(mapping: HistoryMapping, places: ColumnPlaces, options: RowOptions) {
  const { source } = options;
  return (record: HistoryRecord): { row?: HistoryRow; problems: Problem[] } => {
    const problems: Problem[] = [];
    const cell = cellReader(record, places);
    const at = problemAt(source, record, places);
    const id = cell('customerId');
    const customerId = id === undefined ? '' : `${mapping.customerIdPrefix}${id}`;
    const customer = customerAttributes(mapping, cell, customerId, (key, v, e) =>
      problems.push(at(key, v, e)),
    );
    const time = cell('time');
    const instant =
      time === undefined ? undefined : historyInstant(time, zoneOf(customer, mapping), mapping.shiftYears);
    if (instant === undefined) problems.push(at('time', time, TIME_EXPECTED));
    const amountText = cell('amount');
    const amount = amountText === undefined ? Number.NaN : Number(amountText);
    if (!Number.isFinite(amount))
      problems.push(
        at(
          'amount',
          amountText,
          'a number such as 19.90 (a dot for decimals, no thousands separators or currency sign)',
        ),
      );
    const orderId = cell('orderId');
    const event = {
      eventId: `line-${record.line}`,
      type: 'purchase',
      customerId,
      at: instant === undefined ? '' : canonicalTime(new Date(instant)),
      amount,
      currency: cell('currency') ?? mapping.currency ?? '',
      ...(orderId === undefined ? {} : { orderId }),
      ...(Object.keys(customer).length ? { customer } : {}),
    };
    const raw: Partial<Record<MappedColumn, string>> = { time, amount: amountText, customerId: id };
    for (const p of validationProblems(event, options, instant))
      if (
        !(p.field === 'at' && instant === undefined) &&
        !(p.field === 'amount' && !Number.isFinite(amount))
      ) {
        const key = FIELD_COLUMNS.get(p.field);
        problems.push(
          key ? at(key, key in raw ? raw[key] : p.value, p.expected) : { ...p, line: record.line },
        );
      }
    if (problems.length || instant === undefined) return { problems };
    const { customer: attrs, ...purchase } = event as PurchaseEvent;
    return {
      row: { line: record.line, ...purchase, at: instant, ...(attrs ? { customer: attrs } : {}) },
      problems,
    };
  };
}

/** A record's text in the column mapped to `key`; an empty cell is no value. */
function cellReader(record: HistoryRecord, places: ColumnPlaces) {
  return (key: MappedColumn): string | undefined => {
    const place = places[key];
    const text = place ? record.cells[place.index]?.trim() : undefined;
    return text === '' ? undefined : text;
  };
}

/** A problem in a record's column, or in the mapping's default that stands in for a missing column. */
function problemAt(source: string, record: HistoryRecord, places: ColumnPlaces) {
  return (key: MappedColumn, value: unknown, expected: string): Problem => ({
    source,
    line: record.line,
    column: places[key] && places[key].index + 1,
    field: places[key] ? `${places[key].name} (${COLUMN_FIELDS[key]})` : `defaults.${key}`,
    value,
    expected,
  });
}

function validationProblems(event: object, options: RowOptions, instant: number | undefined): Problem[] {
  try {
    const checks =
      instant !== undefined && options.eventTimes
        ? { now: new Date(instant), window: options.eventTimes }
        : undefined;
    parseCustomerEvent(event, options.source, checks);
    return [];
  } catch (error) {
    if (error instanceof InvalidEventError) return [...error.problems];
    throw error;
  }
}

function zoneOf(customer: CustomerAttributes, mapping: HistoryMapping): string {
  const zone = customer.timeZone;
  // An invalid zone is reported by validation; the time is still read, in the default zone.
  return zone !== undefined && isTimeZone(zone) ? zone : mapping.defaultTimeZone;
}

type Report = (key: MappedColumn, value: unknown, expected: string) => void;

/** The customer's attributes from the line's cells, else the mapping's defaults (`{customerId}` filled). */
function customerAttributes(
  mapping: HistoryMapping,
  cell: (key: MappedColumn) => string | undefined,
  customerId: string,
  report: Report,
): CustomerAttributes {
  const d = mapping.defaults;
  const fill = (v: string | undefined) => v?.replaceAll('{customerId}', customerId);
  const text = {
    email: cell('email') ?? fill(d.email),
    phone: cell('phone') ?? fill(d.phone),
    firstName: cell('firstName'),
    locale: cell('locale') ?? d.locale,
    timeZone: cell('timeZone') ?? d.timeZone,
  };
  const emailConsent = consentOf('emailConsent', cell, report) ?? d.emailConsent;
  const smsConsent = consentOf('smsConsent', cell, report) ?? d.smsConsent;
  const birthday = cell('birthday');
  if (birthday !== undefined && !isBirthday(birthday))
    report(
      'birthday',
      birthday,
      'a date as YYYY-MM-DD, or MM-DD when the year is not known, e.g. "1990-05-15"',
    );
  const attrs: CustomerAttributes = Object.fromEntries(
    Object.entries(text).filter(([, v]) => v !== undefined),
  );
  if (emailConsent || smsConsent)
    attrs.consent = {
      ...(emailConsent ? { email: emailConsent } : {}),
      ...(smsConsent ? { sms: smsConsent } : {}),
    };
  if (birthday !== undefined && isBirthday(birthday)) attrs.attributes = { birthday };
  return attrs;
}

function consentOf(
  key: 'emailConsent' | 'smsConsent',
  cell: (k: MappedColumn) => string | undefined,
  report: Report,
) {
  const text = cell(key);
  if (text === undefined) return undefined;
  const status = CONSENT_WORDS[text.toLowerCase()];
  if (!status)
    report(key, text, '"subscribed" or "unsubscribed" (or yes/no, y/n, true/false, 1/0, opt-in/opt-out)');
  return status;
}

const isBirthday = (text: string): boolean => BIRTHDAY.test(text) && namesCalendarDay(text);
