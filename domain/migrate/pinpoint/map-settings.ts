import type { Journey as RapportJourney } from '../../journey/schema';
import type { Settings } from '../../config/settings';
import { rapportDuration } from './durations';
import { entryOf, type ReportEntry } from './report';
import { closedDays, openHours, type SendWindowLines } from './map-send-window';
import type { Journey } from './schema';

const set = (subject: string, status: ReportEntry['status'], detail: string) =>
  entryOf('setting', status, subject, detail);

export interface MappedSettings {
  reEntry: RapportJourney['reEntry'];
  entries: ReportEntry[];
  suggested: string[];
}

/** EndpointReentryCap and EndpointReentryInterval as `reEntry`. */
function reEntryOf(limits: Journey['Limits'], entries: ReportEntry[]): RapportJourney['reEntry'] {
  const cap = limits?.EndpointReentryCap;
  const interval = limits?.EndpointReentryInterval;
  const every = interval ? rapportDuration(interval) : undefined;
  if (cap === 1 || (cap === undefined && !interval)) {
    entries.push(
      set('Limits.EndpointReentryCap', 'exact', `${cap ?? 'not set (no re-entry)'} → reEntry: once`),
    );
    return 'once';
  }
  const reEntry: RapportJourney['reEntry'] = every ? { every: every.duration } : 'always';
  const how = every ? `reEntry: { every: ${every.duration} }` : 'reEntry: always';
  if (cap === 0 || cap === undefined)
    entries.push(
      set(
        'Limits.EndpointReentryCap',
        every?.approximate ? 'approximated' : 'exact',
        `${cap ?? 'not set'} (no limit)${interval ? `, interval ${interval}` : ''} → ${how}${every?.approximate ? `; ${every.approximate}` : ''}`,
      ),
    );
  else
    entries.push(
      set(
        'Limits.EndpointReentryCap',
        'approximated',
        `${cap} entries at most → ${how}: Rapport does not count entries, so a customer may enter more than ${cap} times`,
      ),
    );
  return reEntry;
}

/** Pinpoint's per-journey caps as the project-wide caps nearest to them (suggested, not written). */
function capsOf(limits: Journey['Limits'], entries: ReportEntry[], suggested: string[]) {
  if (!limits) return;
  const cap = (max: number, per: string) => `    - { channel: any, max: ${max}, per: ${per} }`;
  if (limits.DailyCap) {
    suggested.push(cap(limits.DailyCap, '1d'));
    entries.push(
      set(
        'Limits.DailyCap',
        'approximated',
        `${limits.DailyCap} a day → a frequency cap { max: ${limits.DailyCap}, per: 1d } in settings.yaml pacing.caps, which counts every journey's marketing messages, not this journey's alone`,
      ),
    );
  }
  if (limits.TimeframeCap && limits.TimeframeCap.Cap > 0) {
    const { Cap, Days } = limits.TimeframeCap;
    suggested.push(cap(Cap, `${Days}d`));
    entries.push(
      set(
        'Limits.TimeframeCap',
        'approximated',
        `${Cap} in ${Days} days → a frequency cap { max: ${Cap}, per: ${Days}d } in settings.yaml pacing.caps, across all journeys`,
      ),
    );
  }
  if (limits.TotalCap)
    entries.push(
      set(
        'Limits.TotalCap',
        'unsupported',
        `${limits.TotalCap} messages per customer ever: Rapport caps within a sliding window only (at most 365d); reEntry: once and the journey's own send steps bound it`,
      ),
    );
  if (limits.MessagesPerSecond)
    entries.push(
      set(
        'Limits.MessagesPerSecond',
        'approximated',
        `${limits.MessagesPerSecond}/s: Rapport sends at the account's SES and End User Messaging rates, retrying when throttled (no per-journey rate)`,
      ),
    );
}

const pad = (hhmm: string) => hhmm.padStart(5, '0');

const quietLine = (from: string, to: string) =>
  `  quietHours: { from: '${from}', to: '${to}', transactional: send }`;

/** QuietTime and WaitForQuietTime: Rapport's quiet hours, which hold for every journey. */
function quietTime(j: Journey, settings: Settings, entries: ReportEntry[], suggested: string[]) {
  const quiet = settings.pacing.quietHours;
  const q = j.QuietTime;
  if (!q?.Start || !q.End) return;
  const from = pad(q.Start);
  const to = pad(q.End);
  const same = quiet?.from === from && quiet.to === to;
  if (!same) suggested.push(quietLine(from, to));
  const local =
    j.LocalTime === false ? "; Pinpoint used the journey's time zone, Rapport the customer's" : '';
  const now = quiet ? `${quiet.from}–${quiet.to}` : 'none';
  const how = `${from}–${to} → settings.yaml pacing.quietHours${same ? ' (already so)' : ` (now ${now}), for every journey`}${local}`;
  entries.push(set('QuietTime', same && !local ? 'exact' : 'approximated', how));
  entries.push(
    j.WaitForQuietTime === false
      ? set(
          'WaitForQuietTime',
          'approximated',
          'false: Pinpoint dropped a message due in quiet time; Rapport holds it until quiet time ends',
        )
      : set('WaitForQuietTime', 'exact', 'messages due in quiet time wait for its end, as Rapport does'),
  );
}

/** Schedule and State: when the journey ran, and whether it was live. */
function lifetime(j: Journey, now: Date, entries: ReportEntry[]) {
  const s = j.Schedule;
  if (s?.StartTime && Date.parse(s.StartTime) > now.getTime())
    entries.push(
      set(
        'Schedule.StartTime',
        'unsupported',
        `${s.StartTime}: Rapport journeys start when deployed; deploy it then`,
      ),
    );
  else if (s?.StartTime)
    entries.push(
      set('Schedule.StartTime', 'exact', `${s.StartTime} has passed: the journey runs once deployed`),
    );
  if (s?.EndTime)
    entries.push(
      set(
        'Schedule.EndTime',
        'unsupported',
        `${s.EndTime}: Rapport journeys have no end date; remove the journey from workflows/ and deploy then`,
      ),
    );
  if (s?.Timezone)
    entries.push(
      set(
        'Schedule.Timezone',
        'approximated',
        `${s.Timezone}: Rapport uses each customer's time zone (settings.yaml defaultTimeZone when unknown)`,
      ),
    );
  const state = j.State ?? 'ACTIVE';
  if (state === 'ACTIVE') entries.push(set('State', 'exact', 'ACTIVE: runs once deployed'));
  else
    entries.push(
      set(
        'State',
        'approximated',
        `${state}: Rapport has no paused or draft journeys; every journey in workflows/ runs once deployed. Leave it out of the deploy until it should run`,
      ),
    );
}

export function mapSettings(j: Journey, settings: Settings, now: Date): MappedSettings {
  const entries: ReportEntry[] = [];
  const suggested: string[] = [];
  const window: SendWindowLines = { openHours: [], closedDays: [] };
  const reEntry = reEntryOf(j.Limits, entries);
  capsOf(j.Limits, entries, suggested);
  quietTime(j, settings, entries, suggested);
  openHours(j, settings, entries, window);
  closedDays(j, settings, entries, window);
  lifetime(j, now, entries);
  const quiet = suggested.filter((l) => l.startsWith('  quietHours')).slice(0, 1);
  const caps = suggested.filter((l) => l.startsWith('    -'));
  const lines = [
    ...quiet,
    ...(caps.length ? ['  caps:', ...caps] : []),
    ...(window.openHours.length ? ['  openHours:', ...window.openHours] : []),
    ...(window.closedDays.length ? ['  closedDays:', ...window.closedDays] : []),
  ];
  return { reEntry, entries, suggested: lines.length ? ['pacing:', ...lines] : [] };
}
