import type { ScheduledAt } from '../wait-until';

/**
 * Names of the `${…}` definition substitutions a compiled journey uses. CDK fills them with real ARNs;
 * the local runtime with local ones. Keeping them out of the ASL is what lets both run the same text.
 */
export const SUBSTITUTIONS = {
  sendMessage: 'SendMessageFunctionArn',
  journeyStep: 'JourneyStepFunctionArn',
  eventBus: 'EventBusName',
} as const;
export type SubstitutionName = (typeof SUBSTITUTIONS)[keyof typeof SUBSTITUTIONS];

/** How a `task` step's request for a person appears on the event bus. */
export const TASK_EVENT = { source: 'rapport.journeys', detailType: 'Rapport Task' } as const;
/** A `wait-for-event` step: the callback pattern, resumed by ingest-event with SendTaskSuccess. */
export const WAIT_FOR_CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** The Step Functions integration a `task` step uses (an optimized integration, not a Lambda). */
export const PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';

export const SEND_MESSAGE_RESOURCE = `\${${SUBSTITUTIONS.sendMessage}}`;
export const JOURNEY_STEP_RESOURCE = `\${${SUBSTITUTIONS.journeyStep}}`;

/** What every execution of a journey receives as input. */
export interface JourneyInput {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  trigger: {
    eventId: string;
    eventType: string;
    at: string;
    stage?: string;
    tier?: string;
    /** For a date-triggered journey: the attribute (birthday) or holiday whose date it is. */
    occasion?: string;
  };
  /**
   * For a journey that begins with a wait until a computed instant: that instant, by step id as
   * `stateKey` writes it, computed by the starter (see journey/fusion.ts); the first Wait reads it.
   */
  schedule?: Record<string, ScheduledAt>;
  /**
   * For a journey that starts on a declared event: the entry event's properties that are not personal
   * data, which templates read as `event.*` (`{}` when the journey started otherwise).
   */
  event?: Record<string, string | number | boolean>;
}

/** What a journey may refer to outside itself; embedded in the ASL so an execution never depends on later edits. */
export interface Calendar {
  holidays: Record<string, string[]>;
  defaultTimeZone: string;
  /**
   * How far after a date-triggered journey's moment its customers' due times are spread (settings
   * `occasions.spread`); 0 or absent: all at the moment. Only the sweep reads it, never the ASL.
   */
  occasionSpreadMs?: number;
}
/** No holidays, UTC: for journeys that use neither. */
export const NO_CALENDAR: Calendar = { holidays: {}, defaultTimeZone: 'UTC' };
