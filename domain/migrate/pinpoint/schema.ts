import * as z from 'zod';
import { WEEKDAYS } from '../../messages/send-window';

// The Pinpoint shapes `rapport import pinpoint` reads: GetJourney, GetEmailTemplate and GetSmsTemplate as
// the AWS CLI prints them (field names from the Pinpoint REST API's WriteJourneyRequest / JourneyResponse).
// Objects are loose: a newer Pinpoint field this importer does not know is kept and ignored, never refused;
// the activity types it does not know are reported (see map-journey.ts), not dropped.

const Id = z.string().min(1);
const IsoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, {
    error: 'expected: an ISO 8601 duration such as "P1D" or "PT12H"',
  });
const IsoTime = z.iso.datetime({
  offset: true,
  local: true,
  error: 'expected: an ISO 8601 time such as "2026-12-01T09:00:00Z"',
});
const HourMinute = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: 'expected: "HH:mm", e.g. "21:00"' });

const SetDimension = z.looseObject({
  DimensionType: z.enum(['INCLUSIVE', 'EXCLUSIVE']).default('INCLUSIVE'),
  Values: z.array(z.string()).min(1),
});
export const AttributeDimension = z.looseObject({
  AttributeType: z
    .enum(['INCLUSIVE', 'EXCLUSIVE', 'CONTAINS', 'BEFORE', 'AFTER', 'BETWEEN', 'NOT_BETWEEN', 'ON'])
    .default('INCLUSIVE'),
  Values: z.array(z.string()).min(1),
});
export type AttributeDimension = z.infer<typeof AttributeDimension>;
export const MetricDimension = z.looseObject({
  ComparisonOperator: z.enum([
    'GREATER_THAN',
    'LESS_THAN',
    'GREATER_THAN_OR_EQUAL',
    'LESS_THAN_OR_EQUAL',
    'EQUAL',
  ]),
  Value: z.number(),
});
export type MetricDimension = z.infer<typeof MetricDimension>;

export const EventDimensions = z.looseObject({
  EventType: SetDimension.optional(),
  Attributes: z.record(z.string(), AttributeDimension).optional(),
  Metrics: z.record(z.string(), MetricDimension).optional(),
});
export type EventDimensions = z.infer<typeof EventDimensions>;

export const SegmentDimensions = z.looseObject({
  Attributes: z.record(z.string(), AttributeDimension).optional(),
  UserAttributes: z.record(z.string(), AttributeDimension).optional(),
  Metrics: z.record(z.string(), MetricDimension).optional(),
  Behavior: z.looseObject({}).optional(),
  Demographic: z.looseObject({}).optional(),
  Location: z.looseObject({}).optional(),
});
export type SegmentDimensions = z.infer<typeof SegmentDimensions>;

export const SimpleCondition = z.looseObject({
  EventCondition: z
    .looseObject({ Dimensions: EventDimensions.optional(), MessageActivity: Id.optional() })
    .optional(),
  SegmentCondition: z.looseObject({ SegmentId: Id }).optional(),
  SegmentDimensions: SegmentDimensions.optional(),
});
export type SimpleCondition = z.infer<typeof SimpleCondition>;

export const WaitTime = z
  .looseObject({ WaitFor: IsoDuration.optional(), WaitUntil: IsoTime.optional() })
  .refine((w) => (w.WaitFor === undefined) !== (w.WaitUntil === undefined), {
    error: 'expected: exactly one of WaitFor (an ISO 8601 duration) or WaitUntil (a time)',
  });
export type WaitTime = z.infer<typeof WaitTime>;

const Message = z.looseObject({
  NextActivity: Id.optional(),
  TemplateName: Id,
  TemplateVersion: z.string().optional(),
  MessageConfig: z.looseObject({}).optional(),
});

export const Activity = z.looseObject({
  Description: z.string().optional(),
  EMAIL: Message.extend({
    MessageConfig: z.looseObject({ FromAddress: z.string().optional() }).optional(),
  }).optional(),
  SMS: Message.extend({
    MessageConfig: z
      .looseObject({
        MessageType: z.enum(['TRANSACTIONAL', 'PROMOTIONAL']).optional(),
        OriginationNumber: z.string().optional(),
        SenderId: z.string().optional(),
      })
      .optional(),
  }).optional(),
  Wait: z.looseObject({ NextActivity: Id.optional(), WaitTime: WaitTime }).optional(),
  ConditionalSplit: z
    .looseObject({
      Condition: z.looseObject({
        Conditions: z.array(SimpleCondition).min(1),
        Operator: z.enum(['ALL', 'ANY']).default('ALL'),
      }),
      EvaluationWaitTime: WaitTime.optional(),
      TrueActivity: Id.optional(),
      FalseActivity: Id.optional(),
    })
    .optional(),
  MultiCondition: z
    .looseObject({
      Branches: z.array(z.looseObject({ Condition: SimpleCondition, NextActivity: Id.optional() })).min(1),
      DefaultActivity: Id.optional(),
      EvaluationWaitTime: WaitTime.optional(),
    })
    .optional(),
  RandomSplit: z
    .looseObject({
      Branches: z
        .array(z.looseObject({ Percentage: z.number().int().min(0).max(100), NextActivity: Id.optional() }))
        .min(1),
    })
    .optional(),
  Holdout: z
    .looseObject({ Percentage: z.number().int().min(0).max(100), NextActivity: Id.optional() })
    .optional(),
  CUSTOM: z
    .looseObject({
      DeliveryUri: z.string().optional(),
      EndpointTypes: z.array(z.string()).optional(),
      MessageConfig: z.looseObject({ Data: z.string().optional() }).optional(),
      NextActivity: Id.optional(),
      TemplateName: z.string().optional(),
    })
    .optional(),
});
export type Activity = z.infer<typeof Activity>;

const PerChannel = <T extends z.ZodType>(rule: T) =>
  z.looseObject({
    EMAIL: rule.optional(),
    SMS: rule.optional(),
    PUSH: rule.optional(),
    VOICE: rule.optional(),
    CUSTOM: rule.optional(),
  });
export const OpenHoursRule = z.looseObject({ StartTime: HourMinute, EndTime: HourMinute });
export type OpenHoursRule = z.infer<typeof OpenHoursRule>;
const OpenHoursByDay = z.partialRecord(z.enum(WEEKDAYS), z.array(OpenHoursRule));
export type OpenHoursByDay = z.infer<typeof OpenHoursByDay>;
export const ClosedDaysRule = z.looseObject({
  Name: z.string().optional(),
  StartDateTime: IsoTime,
  EndDateTime: IsoTime,
});
export type ClosedDaysRule = z.infer<typeof ClosedDaysRule>;

export const Journey = z.looseObject({
  Id: Id,
  Name: z.string().min(1),
  ApplicationId: z.string().optional(),
  State: z.enum(['DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED', 'CLOSED', 'PAUSED']).optional(),
  StartActivity: Id.optional(),
  Activities: z.record(z.string(), Activity).default({}),
  StartCondition: z
    .looseObject({
      Description: z.string().optional(),
      EventStartCondition: z
        .looseObject({
          EventFilter: z
            .looseObject({ Dimensions: EventDimensions, FilterType: z.string().optional() })
            .optional(),
          SegmentId: z.string().optional(),
        })
        .optional(),
      SegmentStartCondition: z.looseObject({ SegmentId: Id }).optional(),
    })
    .optional(),
  Limits: z
    .looseObject({
      DailyCap: z.number().int().min(0).optional(),
      TotalCap: z.number().int().min(0).optional(),
      EndpointReentryCap: z.number().int().min(0).optional(),
      EndpointReentryInterval: IsoDuration.optional(),
      MessagesPerSecond: z.number().int().min(0).optional(),
      TimeframeCap: z.looseObject({ Cap: z.number().int().min(0), Days: z.number().int().min(1) }).optional(),
    })
    .optional(),
  QuietTime: z.looseObject({ Start: HourMinute.optional(), End: HourMinute.optional() }).optional(),
  WaitForQuietTime: z.boolean().optional(),
  LocalTime: z.boolean().optional(),
  SendingSchedule: z.boolean().optional(),
  OpenHours: PerChannel(OpenHoursByDay).optional(),
  ClosedDays: PerChannel(z.array(ClosedDaysRule)).optional(),
  Schedule: z
    .looseObject({
      StartTime: IsoTime.optional(),
      EndTime: IsoTime.optional(),
      Timezone: z.string().optional(),
    })
    .optional(),
  RefreshFrequency: z.string().optional(),
  RefreshOnSegmentUpdate: z.boolean().optional(),
  JourneyChannelSettings: z.looseObject({}).optional(),
});
export type Journey = z.infer<typeof Journey>;

export const EmailTemplate = z.looseObject({
  TemplateName: Id,
  TemplateType: z.literal('EMAIL').optional(),
  Subject: z.string().min(1),
  HtmlPart: z.string().optional(),
  TextPart: z.string().optional(),
  DefaultSubstitutions: z.string().optional(),
  Version: z.string().optional(),
});
export type EmailTemplate = z.infer<typeof EmailTemplate>;

export const SmsTemplate = z.looseObject({
  TemplateName: Id,
  TemplateType: z.literal('SMS').optional(),
  Body: z.string().min(1),
  DefaultSubstitutions: z.string().optional(),
  Version: z.string().optional(),
});
export type SmsTemplate = z.infer<typeof SmsTemplate>;
