import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../../config/settings';
import { WEEKDAYS } from '../../messages/send-window';
import { entryOf, type ReportEntry } from './report';
import type { ClosedDaysRule, Journey, OpenHoursByDay } from './schema';

type Week = NonNullable<NonNullable<Settings['pacing']['openHours']>['email']>;
type Period = NonNullable<NonNullable<Settings['pacing']['closedDays']>['email']>[number];

/** The order days are read and written in, as Pinpoint's console lists them. */
const MONDAY_FIRST = [...WEEKDAYS.slice(1), WEEKDAYS[0]];

const CHANNELS = { EMAIL: 'email', SMS: 'sms' } as const;
const pad = (hhmm: string) => hhmm.padStart(5, '0');
const set = (subject: string, status: ReportEntry['status'], detail: string) =>
  entryOf('setting', status, subject, detail);

/** Settings lines for settings.yaml `pacing`, under `openHours:` and `closedDays:`. */
export interface SendWindowLines {
  openHours: string[];
  closedDays: string[];
}

/**
 * A Pinpoint day's rules as Rapport windows. A rule ending before it starts is taken to run past midnight
 * into the next day (Pinpoint's documentation does not say): split there, and reported as approximated.
 */
function weekOf(byDay: OpenHoursByDay): { week: Week; overnight: string[]; empty: string[] } {
  const week: Week = {};
  const overnight: string[] = [];
  const empty: string[] = [];
  const add = (day: (typeof WEEKDAYS)[number], from: string, to: string) =>
    (week[day] ??= []).push({ from, to });
  for (const day of MONDAY_FIRST)
    for (const r of byDay[day] ?? []) {
      const [from, to] = [pad(r.StartTime), pad(r.EndTime)];
      if (from < to) add(day, from, to);
      else if (from === to) empty.push(`${day} ${from}–${to}`);
      else {
        overnight.push(`${day} ${from}–${to}`);
        add(day, from, '24:00');
        const next = WEEKDAYS[(WEEKDAYS.indexOf(day) + 1) % 7]!;
        if (to !== '00:00') add(next, '00:00', to);
      }
    }
  for (const windows of Object.values(week)) windows.sort((a, b) => a.from.localeCompare(b.from));
  return { week, overnight, empty };
}

const windowYaml = (w: { from: string; to: string }) => `{ from: '${w.from}', to: '${w.to}' }`;
const zoneNote = (j: Journey) =>
  j.LocalTime === false
    ? "; Pinpoint read them in the journey's time zone, Rapport reads the customer's"
    : '';

/** OpenHours: EMAIL and SMS as settings.yaml pacing.openHours, day by day; other channels unsupported. */
export function openHours(j: Journey, settings: Settings, entries: ReportEntry[], lines: SendWindowLines) {
  for (const [key, byDay] of Object.entries(j.OpenHours ?? {}) as [string, OpenHoursByDay | undefined][]) {
    if (!byDay) continue;
    const subject = `OpenHours.${key}`;
    const channel = CHANNELS[key as keyof typeof CHANNELS] as 'email' | 'sms' | undefined;
    if (!channel) {
      entries.push(
        set(subject, 'unsupported', `Rapport sends email and SMS only: no ${key} messages to hold`),
      );
      continue;
    }
    const { week, overnight, empty } = weekOf(byDay);
    const same = isDeepStrictEqual(settings.pacing.openHours?.[channel], week);
    if (!same && Object.keys(week).length) {
      lines.openHours.push(`    ${channel}:`);
      for (const day of MONDAY_FIRST)
        if (week[day]) lines.openHours.push(`      ${day}: [${week[day].map(windowYaml).join(', ')}]`);
    }
    const listed = MONDAY_FIRST.filter((d) => week[d]).length;
    const notes = [
      overnight.length ? `; ${overnight.join(', ')} end before they start: taken to run past midnight` : '',
      empty.length ? `; ${empty.join(', ')} open no time and are left out` : '',
      zoneNote(j),
    ].join('');
    const how = `${listed} days with windows (a day not listed sends no ${channel}) → settings.yaml pacing.openHours.${channel}${same ? ' (already so)' : ', for every journey'}${notes}`;
    entries.push(set(subject, notes ? 'approximated' : 'exact', how));
  }
}

/** Pinpoint's ISO time as the local date-time Rapport reads on the customer's wall clock. */
const localOf = (iso: string) => iso.slice(0, 16);

/** ClosedDays: EMAIL and SMS as settings.yaml pacing.closedDays; other channels unsupported. */
export function closedDays(j: Journey, settings: Settings, entries: ReportEntry[], lines: SendWindowLines) {
  for (const [key, rules] of Object.entries(j.ClosedDays ?? {}) as [string, ClosedDaysRule[] | undefined][]) {
    const channel = CHANNELS[key as keyof typeof CHANNELS] as 'email' | 'sms' | undefined;
    const subject = `ClosedDays.${key}`;
    if (!rules?.length) continue;
    if (!channel) {
      entries.push(
        set(subject, 'unsupported', `Rapport sends email and SMS only: no ${key} messages to hold`),
      );
      continue;
    }
    const periods: Period[] = rules.map((r, i) => ({
      name: r.Name ?? `closed ${i + 1}`,
      from: localOf(r.StartDateTime),
      to: localOf(r.EndDateTime),
    }));
    const have = settings.pacing.closedDays?.[channel] ?? [];
    const missing = periods.filter((p) => !have.some((h) => isDeepStrictEqual(h, p)));
    if (missing.length) {
      lines.closedDays.push(`    ${channel}:`);
      for (const p of missing)
        lines.closedDays.push(
          `      - { name: ${JSON.stringify(p.name)}, from: '${p.from}', to: '${p.to}' }`,
        );
    }
    const seconds = rules.some(
      (r) => /:\d\d:(?!00)/.test(r.StartDateTime) || /:\d\d:(?!00)/.test(r.EndDateTime),
    );
    const notes = `${seconds ? '; seconds dropped (Rapport reads minutes)' : ''}${zoneNote(j)}`;
    for (const p of periods)
      entries.push(
        set(
          subject,
          notes ? 'approximated' : 'exact',
          `${p.name} ${p.from} – ${p.to}, local time → settings.yaml pacing.closedDays.${channel}${missing.includes(p) ? ', for every journey' : ' (already so)'}${notes}`,
        ),
      );
  }
}
