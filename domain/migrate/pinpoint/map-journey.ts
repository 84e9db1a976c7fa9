import type { Settings } from '../../config/settings';
import { RESERVED_SUFFIXES } from '../../journey/compile/names';
import type { Journey as RapportJourney, JourneyEntry, Step } from '../../journey/schema';
import { EVENT_TYPES } from '../../events/types';
import { idAllocator, slugOf } from './ids';
import { mapActivity, type ActivityContext } from './map-activity';
import { mapSettings } from './map-settings';
import { approximated, exact, unsupported, type JourneyReport, type ReportEntry } from './report';
import type { Activity, Journey } from './schema';

const SUPPORTED = [
  'EMAIL',
  'SMS',
  'Wait',
  'ConditionalSplit',
  'MultiCondition',
  'RandomSplit',
  'Holdout',
  'CUSTOM',
] as const;

export interface MappedJourney {
  journey: RapportJourney;
  /** The Pinpoint activity each step came from, for comments in the YAML. */
  origins: Record<string, { activityId: string; description?: string }>;
  report: JourneyReport;
  /** Templates the journey sends: email or sms, by Pinpoint template name. */
  templates: { name: string; channel: 'email' | 'sms' }[];
  /** What settings.yaml must declare for the journey to validate (added to it, never changing anything). */
  customEvents: string[];
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

/** A Pinpoint event name as a Rapport event: purchases are built in; others are declared custom events. */
function eventNamer(custom: Set<string>) {
  return (pinpoint: string): string => {
    if (/^(_monetization\.)?purchase$/i.test(pinpoint)) return 'purchase';
    const name = slugOf(pinpoint.replace(/^_/, ''), 'event');
    if (!(EVENT_TYPES as readonly string[]).includes(name)) custom.add(name);
    return name;
  };
}

function entryOf(
  j: Journey,
  o: MapOptions,
  eventName: (s: string) => string,
  entries: ReportEntry[],
): JourneyEntry {
  const start = j.StartCondition;
  const filter = start?.EventStartCondition?.EventFilter?.Dimensions;
  const types = filter?.EventType?.Values;
  if (types?.length && filter?.EventType?.DimensionType !== 'EXCLUSIVE') {
    const names = types.map(eventName);
    const props = Object.entries(filter?.Attributes ?? {});
    const single = props.every(([, d]) => d.AttributeType === 'INCLUSIVE' && d.Values.length === 1);
    const event = names.length === 1 ? names[0]! : names;
    if (props.length && single && names.length === 1) {
      const properties = Object.fromEntries(props.map(([k, d]) => [k, d.Values[0]!]));
      entries.push(
        exact(
          'setting',
          'StartCondition',
          `entry: event ${names[0]} with properties ${JSON.stringify(properties)} (where lastEvent)`,
        ),
      );
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
    if (Object.keys(filter?.Metrics ?? {}).length)
      entries.push(
        unsupported(
          'setting',
          'StartCondition.EventFilter.Metrics',
          'event metrics are not filtered: every such event starts the journey',
        ),
      );
    return { event };
  }
  const segment = start?.SegmentStartCondition?.SegmentId ?? start?.EventStartCondition?.SegmentId;
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

export function mapJourney(j: Journey, o: MapOptions): MappedJourney {
  const entries: ReportEntry[] = [];
  const custom = new Set<string>();
  const holidays: Record<string, string[]> = {};
  const id = slugOf(j.Name, 'journey');
  const order = reachable(j);
  const alloc = idAllocator();
  const newId = (wanted: string) =>
    alloc(RESERVED_SUFFIXES.some((s) => wanted.endsWith(s)) ? `${wanted}-step` : wanted);
  const stepIds = new Map<string, string>();
  const skipTo = new Map<string, string | undefined>();
  for (const aid of order) {
    const a = j.Activities[aid]!;
    const kind = kindOf(a);
    if (kind && (SUPPORTED as readonly string[]).includes(kind)) stepIds.set(aid, newId(slugOf(aid, 'step')));
    else {
      const next = nextsOf(a)[0];
      skipTo.set(aid, next);
      entries.push(
        unsupported(
          'activity',
          aid,
          `${kind ?? 'an empty'} activity${a.Description ? ` (${a.Description})` : ''}: Rapport has no ${kind === 'PUSH' ? 'push notifications' : kind === 'ContactCenter' ? 'contact centre calls' : 'such step'}; left out, customers go on to ${next ?? 'the end'}`,
        ),
      );
    }
  }
  const end = newId('end');
  let endUsed = false;
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
    endUsed = true;
    return end;
  };
  const eventName = eventNamer(custom);
  const ctx: ActivityContext = {
    to,
    newId,
    eventName,
    topic: o.settings.topics.includes('offers') ? 'offers' : o.settings.topics[0]!,
    get end() {
      endUsed = true;
      return end;
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
  const steps: Step[] = [];
  const origins: MappedJourney['origins'] = {};
  const templates: MappedJourney['templates'] = [];
  const entry = entryOf(j, o, eventName, entries);
  for (const aid of order) {
    const stepId = stepIds.get(aid);
    if (!stepId) continue;
    const a = j.Activities[aid]!;
    const mapped = mapActivity(aid, stepId, a, ctx);
    for (const s of mapped.steps) origins[s.id] = { activityId: aid, description: a.Description };
    steps.push(...mapped.steps);
    entries.push(...mapped.entries);
    if (a.EMAIL) templates.push({ name: a.EMAIL.TemplateName, channel: 'email' });
    if (a.SMS) templates.push({ name: a.SMS.TemplateName, channel: 'sms' });
  }
  const start = to(j.StartActivity ?? order[0]);
  if (steps.length && steps[0]!.id !== start)
    steps.unshift(
      ...steps.splice(
        steps.findIndex((s) => s.id === start),
        1,
      ),
    );
  if (endUsed || !steps.length) steps.push({ id: end, type: 'exit' });
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
  const journey: RapportJourney = {
    id,
    version: 1,
    description: `Imported from Amazon Pinpoint journey "${j.Name}" (${j.Id}).`,
    entry,
    steps,
    reEntry: settings.reEntry,
  };
  return {
    journey,
    origins,
    templates,
    customEvents: [...custom].sort(),
    holidays,
    report: {
      journeyId: id,
      pinpoint: { id: j.Id, name: j.Name, source: o.source },
      entries,
      suggestedSettings: settings.suggested,
    },
  };
}
