import { addCalendarYear } from '../time/calendar-year';
import { durationSeconds } from './duration';
import { CALENDAR_YEAR, type YearlyDuration } from './span';

// Apart from span.ts: only re-entry reads a calendar year in the customer's own time zone (through Intl).
export { CALENDAR_YEAR, YearlyDuration } from './span';

/** The instant `duration` after `from`: a calendar year in `timeZone` for "1y", else its seconds. */
export function addDuration(from: Date, duration: YearlyDuration, timeZone: string): Date {
  if (duration === CALENDAR_YEAR) return addCalendarYear(from, timeZone);
  return new Date(from.getTime() + durationSeconds(duration) * 1000);
}
