import * as z from '../zod';
import { expect } from '../config/problems';
import { lineText } from './text';
import { EventTime } from './time';

/**
 * The fields that say which event it is, whose and when: every event's (EVENT_BASE in schema.ts) and an
 * engagement event's, which carries nothing else of them. Apart from schema.ts so that delivery-events,
 * which reads engagement events only, builds none of the customer events' schemas at cold start.
 */
export const EVENT_IDENTITY = {
  eventId: lineText(
    'a unique event id (text, 1–128 characters) chosen by the sender, e.g. "order-123"',
    128,
  ).check(z.minLength(1, expect('a unique event id (text, 1–128 characters)'))),
  customerId: z
    .string(expect('the customer id (text, 1–128 characters), e.g. "c-42"'))
    .check(
      z.minLength(1, expect('the customer id (text, 1–128 characters)')),
      z.maxLength(128, expect('a customer id of at most 128 characters')),
      z.regex(/^[A-Za-z0-9._:@-]+$/, expect('a customer id made of letters, digits and . _ : @ -')),
    ),
  at: EventTime,
};
