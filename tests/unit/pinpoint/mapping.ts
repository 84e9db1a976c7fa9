import { Settings } from '../../../domain/config/settings';
import { mapJourney } from '../../../domain/migrate/pinpoint/map-journey';
import type { Journey } from '../../../domain/migrate/pinpoint/schema';

/** What the Pinpoint mapping tests share: settings, a journey to fill in, and how to read its report. */
export const settings = Settings.parse({
  brand: { name: 'Shop' },
  locales: ['en', 'de'],
  defaultLocale: 'en',
  pacing: { quietHours: { from: '21:00', to: '09:00' } },
});
export const now = new Date('2026-12-03T00:00:00Z');
export const journey = (over: Partial<Journey>): Journey => ({
  Id: 'j1',
  Name: 'Test journey',
  Activities: {},
  ...over,
});
export const map = (j: Journey) => mapJourney(j, { settings, now, source: 'j.json' });
export const email = (next?: string) => ({ EMAIL: { TemplateName: 'T', NextActivity: next } });
export const attr = (name: string, value: string) => ({
  SegmentDimensions: { UserAttributes: { [name]: { AttributeType: 'INCLUSIVE' as const, Values: [value] } } },
});
export const statusOf = (m: ReturnType<typeof map>, subject: string) =>
  m.report.entries.filter((e) => e.subject === subject).map((e) => e.status);

/** A ConditionalSplit on one event type (of one message, for engagement), going to `x` when it holds. */
export const eventSplit = (
  type: string,
  options: { messageActivity?: string; wait?: { WaitFor?: string; WaitUntil?: string } } = {},
) => ({
  ConditionalSplit: {
    Condition: {
      Operator: 'ALL' as const,
      Conditions: [
        {
          EventCondition: {
            Dimensions: { EventType: { DimensionType: 'INCLUSIVE' as const, Values: [type] } },
            ...(options.messageActivity ? { MessageActivity: options.messageActivity } : {}),
          },
        },
      ],
    },
    EvaluationWaitTime: options.wait,
    TrueActivity: 'x',
  },
});
