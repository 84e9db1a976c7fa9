import type { Settings } from '../../config/settings';
import { RESERVED_SUFFIXES } from '../../journey/compile/names';
import type { Journey as RapportJourney, JourneyEntry, Step } from '../../journey/schema';
import { EVENT_TYPES } from '../../events/types';
import { idAllocator, slugOf } from './ids';
import { mapActivity, SUPPORTED, type ActivityContext } from './map-activity';
import { mapSettings } from './map-settings';
import { approximated, exact, unsupported, type JourneyReport, type ReportEntry } from './report';
import type { Activity, Journey } from './schema';

export interface MappedJourney {
  journey: RapportJourney;
  /** The Pinpoint activity each step came from, for comments in the YAML. */
  origins: Record<string, { activityId: string; description?: string }>;
  report: JourneyReport;
  /** Templates the journey sends: email or sms, by Pinpoint template name. */
  templates: { name: string; channel: 'email' | 'sms'; version?: string }[];
  /** Custom events (with the properties compared) settings.yaml must declare for the journey to validate. */
  customEvents: Record<string, string[]>;
  holidays: Record<string, string[]>;
}

export interface MapOptions {
  settings: Settings;
  now: Date;
  source: string;
  /** Segment ids mapped to an entry by the person (`--segment id=stage:active`). */
  segments?: Record<string, Pick<JourneyEntry, 'stage' | 'tier'>>;
}

const kindOf = (a: Activity): string | undefined =>
  SUPPORTED.find((k) => a[k] !== undefined) ??
  Object.keys(a).find((k) => k !== 'Description' && typeof a[k] === 'object');

/**
 * A Pinpoint event name as a Rapport event: purchases are built in; any other is a custom event settings.yaml
 * must declare, with the properties journeys compare (ingest refuses a property it does not declare).
 */
function eventNamer(custom: Record<string, string[]>) {
  return (pinpoint: string, properties: readonly string[] = []): string => {
    if (/^(_monetization\.)?purchase$/i.test(pinpoint)) return 'purchase';
    const name = slugOf(pinpoint.replace(/^_/, ''), 'event');
    if (!(EVENT_TYPES as readonly string[]).includes(name))
      custom[name] = [...new Set([...(custom[name] ?? []), ...properties])].sort();
    return name;
  };
}

type EventNamer = (s: string, properties?: readonly string[]) => string;
type Dimensions = NonNullable<NonNullable<Journey['StartCondition']>['EventStartCondition']>['EventFilter'];

/** An event start condition: the event, and its attribute filter as `where` when Rapport can test it. */
function eventEntry(
  filter: NonNullable<Dimensions>['Dimensions'],
  eventName: EventNamer,
  entries: ReportEntry[],
) {
  const props = Object.entries(filter.Attributes ?? {});
  const names = filter.EventType!.Values.map((t) =>
    eventName(
      t,
      props.map(([k]) => k),
    ),
  );
  const event = names.length === 1 ? names[0]! : names;
  if (Object.keys(filter.Metrics ?? {}).length)
    entries.push(
      unsupported(
        'setting',
        'StartCondition.EventFilter.Metrics',
        'event metrics are not filtered: every such event starts the journey',
      ),
    );
  const single = props.every(([, d]) => d.AttributeType === 'INCLUSIVE' && d.Values.length === 1);
  if (props.length && single && names.length === 1) {
    const properties = Object.fromEntries(props.map(([k, d]) => [k, d.Values[0]!]));
    const how = `entry: event ${names[0]} with properties ${JSON.stringify(properties)} (where lastEvent: the event that arrived)`;
    entries.push(exact('setting', 'StartCondition', how));
    return { event, where: { lastEvent: { type: names[0]!, properties } } };
  }
  entries.push(exact('setting', 'StartCondition', `entry: event ${names.join(', ')}`));
  if (props.length)
    entries.push(
      unsupported(
        'setting',
        'StartCondition.EventFilter.Attributes',
        'a filter other than one value per attribute of one event type: not applied, every such event starts the journey',
      ),
    );
  return { event };
}

/** A segment start condition: the stage or tier --segment names for it, or a placeholder reported. */
function segmentEntry(segment: string | undefined, o: MapOptions, entries: ReportEntry[]): JourneyEntry {
  const mapped = segment ? o.segments?.[segment] : undefined;
  if (segment && mapped) {
    entries.push(
      approximated(
        'setting',
        'StartCondition',
        `segment ${segment} → entry ${JSON.stringify(mapped)} (as --segment said): customers start as they enter it, not in a batch`,
      ),
    );
    return { ...mapped };
  }
  const tag = slugOf(`pinpoint-segment-${segment ?? 'none'}`, 'tag');
  entries.push(
    unsupported(
      'setting',
      'StartCondition',
      `${segment ? `segment ${segment}` : 'no start condition'}: Rapport has no segments. Entry is a profile event of a customer tagged ${tag}; map it to a stage or tier with --segment ${segment ?? '<id>'}=stage:<stage>`,
    ),
  );
  return { event: 'profile', where: { tag } };
}

function entryOf(j: Journey, o: MapOptions, eventName: EventNamer, entries: ReportEntry[]): JourneyEntry {
  const start = j.StartCondition;
  const filter = start?.EventStartCondition?.EventFilter?.Dimensions;
  if (filter?.EventType?.Values.length && filter.EventType.DimensionType !== 'EXCLUSIVE')
    return eventEntry(filter, eventName, entries);
  if (filter?.EventType) {
    const tag = 'pinpoint-unmapped-start';
    const how = `a start on every event except ${filter.EventType.Values.join(', ')}: Rapport starts on named events. Entry is a profile event of a customer tagged ${tag}: name the events`;
    entries.push(unsupported('setting', 'StartCondition', how));
    return { event: 'profile', where: { tag } };
  }
  return segmentEntry(
    start?.SegmentStartCondition?.SegmentId ?? start?.EventStartCondition?.SegmentId,
    o,
    entries,
  );
}

/** The activities reachable from the start, in the order a reader follows them (depth first). */
function reachable(j: Journey): string[] {
  const seen: string[] = [];
  const visit = (id: string | undefined) => {
    if (id === undefined || seen.includes(id) || !j.Activities[id]) return;
    seen.push(id);
    for (const next of nextsOf(j.Activities[id])) visit(next);
  };
  visit(j.StartActivity ?? Object.keys(j.Activities)[0]);
  return seen;
}

/** Every activity id an activity may lead to. */
function nextsOf(a: Activity): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string' && key && /Activity$/.test(key) && key !== 'MessageActivity') found.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(a);
  return found;
}

/**
 * Why an activity becomes no step, and where its customers go instead: an activity Rapport cannot run (left
 * out, reported with its id), or a split that splits nothing (a single branch, a 0% holdout).
 */
function passThrough(aid: string, a: Activity): { next: string | undefined; entry: ReportEntry } | undefined {
  const kind = kindOf(a);
  if (!kind || !SUPPORTED.includes(kind)) {
    const next = nextsOf(a)[0];
    const what =
      kind === 'PUSH'
        ? 'push notifications'
        : kind === 'ContactCenter'
          ? 'contact centre calls'
          : 'such step';
    const desc = a.Description ? ` (${a.Description})` : '';
    return {
      next,
      entry: unsupported(
        'activity',
        aid,
        `${kind ?? 'an empty'} activity${desc}: Rapport has no ${what}; left out, customers go on to ${next ?? 'the end'}`,
      ),
    };
  }
  const branches = a.RandomSplit?.Branches.filter((b) => b.Percentage > 0);
  if (branches && branches.length < 2)
    return {
      next: branches[0]?.NextActivity,
      entry: exact(
        'activity',
        aid,
        `a random split with one branch: no split, customers go on to ${branches[0]?.NextActivity ?? 'the end'}`,
      ),
    };
  if (a.Holdout && (a.Holdout.Percentage === 0 || a.Holdout.Percentage === 100)) {
    const all = a.Holdout.Percentage === 100;
    return {
      next: all ? undefined : a.Holdout.NextActivity,
      entry: exact(
        'activity',
        aid,
        all
          ? 'a 100% holdout: every customer leaves the journey here'
          : 'a 0% holdout: no split, customers go on',
      ),
    };
  }
  return undefined;
}

/** Step ids for the activities that become steps; the rest lead on to their next activity. */
function plan(j: Journey, order: readonly string[], newId: (w: string) => string, entries: ReportEntry[]) {
  const stepIds = new Map<string, string>();
  const skipTo = new Map<string, string | undefined>();
  for (const aid of order) {
    const skip = passThrough(aid, j.Activities[aid]!);
    if (skip) {
      skipTo.set(aid, skip.next);
      entries.push(skip.entry);
    } else stepIds.set(aid, newId(slugOf(aid, 'step')));
  }
  return { stepIds, skipTo };
}

function context(j: Journey, o: MapOptions, id: string, order: readonly string[], entries: ReportEntry[]) {
  const alloc = idAllocator();
  const newId = (wanted: string) =>
    alloc(RESERVED_SUFFIXES.some((s) => wanted.endsWith(s)) ? `${wanted}-step` : wanted);
  const { stepIds, skipTo } = plan(j, order, newId, entries);
  const end = newId('end');
  const used = { end: false };
  const to = (aid: string | undefined, seen: string[] = []): string => {
    if (aid !== undefined && stepIds.has(aid)) return stepIds.get(aid)!;
    if (aid !== undefined && skipTo.has(aid) && !seen.includes(aid))
      return to(skipTo.get(aid), [...seen, aid]);
    if (aid !== undefined && !j.Activities[aid])
      entries.push(
        unsupported(
          'activity',
          aid,
          'named as a next activity but not in Activities: customers end the journey there',
        ),
      );
    used.end = true;
    return end;
  };
  const customEvents: Record<string, string[]> = {};
  const holidays: Record<string, string[]> = {};
  const ctx: ActivityContext = {
    to,
    newId,
    eventName: eventNamer(customEvents),
    topic: o.settings.topics.includes('offers') ? 'offers' : o.settings.topics[0]!,
    get end() {
      used.end = true;
      return end;
    },
    sendOf: (aid) => {
      const a = j.Activities[aid];
      const channel = a?.EMAIL ? 'email' : a?.SMS ? 'sms' : undefined;
      const step = stepIds.get(aid);
      return channel && step ? { step, channel } : undefined;
    },
    holidayOn: (stepId, at) => {
      const name = slugOf(`${id.slice(0, 40)}-${stepId}`, 'holiday');
      holidays[name] = [at.slice(0, 10)];
      // Days from the import to that date, and one more for time zones: a customer reaching the wait
      // after the date does not wait, as in Pinpoint.
      const days = Math.ceil((Date.parse(at) - o.now.getTime()) / 86_400_000) + 1;
      return { holiday: name, within: `${Math.min(Math.max(days, 1), 300)}d` };
    },
  };
  return { ctx, stepIds, end, used, customEvents, holidays };
}

export function mapJourney(j: Journey, o: MapOptions): MappedJourney {
  const entries: ReportEntry[] = [];
  // A name in another script has no letters to keep: the Pinpoint id names the journey then.
  const id = /[a-z]/i.test(j.Name)
    ? slugOf(j.Name, 'journey')
    : slugOf(`journey-${j.Id.slice(0, 12)}`, 'journey');
  const order = reachable(j);
  const { ctx, stepIds, end, used, customEvents, holidays } = context(j, o, id, order, entries);
  const entry = entryOf(j, o, ctx.eventName, entries);
  const steps: Step[] = [];
  const origins: MappedJourney['origins'] = {};
  const templates: MappedJourney['templates'] = [];
  for (const aid of order.filter((a) => stepIds.has(a))) {
    const a = j.Activities[aid]!;
    const mapped = mapActivity(aid, stepIds.get(aid)!, a, ctx);
    for (const s of mapped.steps) origins[s.id] = { activityId: aid, description: a.Description };
    steps.push(...mapped.steps);
    entries.push(...mapped.entries);
    for (const channel of ['email', 'sms'] as const) {
      const message = a[channel === 'email' ? 'EMAIL' : 'SMS'];
      if (message) templates.push({ name: message.TemplateName, channel, version: message.TemplateVersion });
    }
  }
  // The first step is where customers start: the start activity's, or what it leads to.
  const start = ctx.to(j.StartActivity ?? order[0]);
  const first = steps.findIndex((s) => s.id === start);
  if (first > 0) steps.unshift(...steps.splice(first, 1));
  if (used.end || first < 0) steps.push({ id: end, type: 'exit' });
  for (const aid of Object.keys(j.Activities).filter((a) => !order.includes(a)))
    entries.push(unsupported('activity', aid, 'not reachable from StartActivity: left out'));
  if (steps.some((s) => s.type === 'send' && s.category === 'marketing'))
    entries.push(
      approximated(
        'setting',
        'topic',
        `Pinpoint has no topics: marketing sends use topic ${ctx.topic} (customers may opt out of each topic); change it where another fits`,
      ),
    );
  const settings = mapSettings(j, o.settings, o.now);
  entries.push(...settings.entries);
  const description = `Imported from Amazon Pinpoint journey "${j.Name}" (${j.Id}).`;
  return {
    journey: { id, version: 1, description, entry, steps, reEntry: settings.reEntry, priority: 0 },
    origins,
    templates,
    customEvents,
    holidays,
    report: {
      journeyId: id,
      pinpoint: { id: j.Id, name: j.Name, source: o.source },
      entries,
      suggestedSettings: settings.suggested,
    },
  };
}
