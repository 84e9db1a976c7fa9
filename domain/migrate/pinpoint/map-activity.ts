import type { CustomerCondition } from '../../journey/step-inputs';
import type { BranchStep, Step } from '../../journey/schema';
import { engagementEvent, mapCondition } from './conditions';
import { rapportDuration } from './durations';
import { slugOf } from './ids';
import { entryOf, type ReportEntry } from './report';
import type { Activity, SimpleCondition, WaitTime } from './schema';

/** What an activity's mapping needs from the journey around it. */
export interface ActivityContext {
  /** The Rapport step a Pinpoint activity id leads to (the end of the journey for none). */
  to: (activityId: string | undefined) => string;
  /** A new step id, unique in the journey, for the extra steps one activity needs. */
  newId: (wanted: string) => string;
  /** The Rapport event a Pinpoint event name becomes (declared in settings.yaml when it is not built in). */
  eventName: (pinpoint: string, properties?: readonly string[]) => string;
  /**
   * A holiday in settings.yaml on the day of this time, for a wait until a date, and how far away that day
   * is at most (a holiday wait otherwise counts as up to 350 days against the journey's year).
   */
  holidayOn: (stepId: string, at: string) => { holiday: string; within: string };
  /** The send step a Pinpoint EMAIL or SMS activity became, and its channel; undefined for any other. */
  sendOf: (activityId: string) => { step: string; channel: 'email' | 'sms' } | undefined;
  /** The topic marketing sends take (Pinpoint has none). */
  topic: string;
  end: string;
}

export interface MappedActivity {
  steps: Step[];
  entries: ReportEntry[];
}

const act = (id: string, status: ReportEntry['status'], detail: string) =>
  entryOf('activity', status, id, detail);

/** An evaluation wait before a split, as a wait step; undefined for none. */
function waitStep(
  id: string,
  wait: WaitTime | undefined,
  next: string,
  ctx: ActivityContext,
): { step: Step; note?: string } | undefined {
  if (!wait) return undefined;
  if (wait.WaitFor) {
    const { duration, approximate } = rapportDuration(wait.WaitFor);
    return { step: { id, type: 'wait', duration, next }, note: approximate };
  }
  const { holiday, within } = ctx.holidayOn(id, wait.WaitUntil!);
  const timeOfDay = wait.WaitUntil!.slice(11, 16);
  return {
    step: { id, type: 'wait', until: { holiday, timeOfDay, within }, next },
    note: `until ${wait.WaitUntil} became ${timeOfDay} on that day in each customer's time zone (holiday ${holiday} in settings.yaml)`,
  };
}

/**
 * Conditions as Rapport conditions, with a never-true placeholder tag (and an entry) for the unmappable;
 * `because` says why when the caller knows better than the condition alone.
 */
function conditionsOf(
  activityId: string,
  conditions: readonly SimpleCondition[],
  ctx: ActivityContext,
  because?: string,
) {
  const entries: ReportEntry[] = [];
  const anyOfs = conditions.map((c, i): CustomerCondition[] => {
    const found = mapCondition(c, ctx.eventName);
    const mapped =
      !found.ok && because && c.EventCondition?.MessageActivity ? { ...found, reason: because } : found;
    if (mapped.ok) {
      for (const a of mapped.approximations)
        entries.push(act(activityId, 'approximated', `condition ${i + 1}: ${a}`));
      return mapped.anyOf;
    }
    const tag = slugOf(`pinpoint-unmapped-${activityId}-${i + 1}`, 'tag');
    entries.push(
      act(
        activityId,
        'unsupported',
        `condition ${i + 1}: ${mapped.reason}. Replaced by \`tag: ${tag}\`, which no customer has: write the condition Rapport can test there`,
      ),
    );
    return [{ tag }];
  });
  return { anyOfs, entries };
}

/** A condition as the report shows it, in the journey's own YAML words. */
const words = (c: CustomerCondition) =>
  JSON.stringify(c)
    .replace(/"([A-Za-z]+)":/g, '$1: ')
    .replace(/,/g, ', ');

function branch(
  id: string,
  paths: { name: string; when: CustomerCondition; next: string }[],
  otherwise: string,
): BranchStep {
  return { id, type: 'branch', paths, default: otherwise };
}

type Split = NonNullable<Activity['ConditionalSplit']>;

/**
 * A yes/no split on one message's engagement after a wait for a duration, as a wait for that engagement
 * event on the send step the message activity became; or why it cannot be.
 */
function engagementSplit(id: string, a: Split, ctx: ActivityContext, pinpointId: string) {
  const event = a.Condition.Conditions[0]!.EventCondition!;
  const activity = event.MessageActivity!;
  const send = ctx.sendOf(activity);
  const types = event.Dimensions?.EventType;
  const wait = a.EvaluationWaitTime?.WaitFor;
  if (!send)
    return {
      reason: `an engagement condition on ${activity}, which is not an email or SMS activity of this journey`,
    };
  if (types?.DimensionType !== 'INCLUSIVE' || types.Values.length !== 1)
    return { reason: `an engagement condition on ${activity} that is not one event (Rapport waits for one)` };
  const engagement = engagementEvent(types.Values[0]!, send.channel);
  if (!engagement.ok) return { reason: `an engagement condition on ${activity}: ${engagement.reason}` };
  if (!wait)
    return {
      reason: `an engagement condition on ${activity} evaluated ${a.EvaluationWaitTime ? 'on a date' : 'at once'}: Rapport waits for engagement still to come, for a duration, and cannot look back at what came before (where a wait fits, write \`wait-for-event: ${engagement.event}\` with \`message: ${send.step}\` and a \`timeout\` here)`,
    };
  const { duration, approximate } = rapportDuration(wait);
  const filtered = Object.keys(event.Dimensions?.Attributes ?? {}).length > 0;
  const step: Step = {
    id,
    type: 'wait-for-event',
    event: engagement.event,
    message: send.step,
    timeout: duration,
    onEvent: ctx.to(a.TrueActivity),
    onTimeout: ctx.to(a.FalseActivity),
  };
  const how =
    `wait-for-event ${id}: ${engagement.event} of send ${send.step} within ${duration}; a customer who engages moves on at once, where Pinpoint evaluated at the end of the ${wait}` +
    (filtered ? '; the event attribute filter is not applied (any such event counts)' : '') +
    (approximate ? `; ${approximate}` : '');
  return { mapped: { steps: [step], entries: [act(pinpointId, 'approximated', how)] } };
}

/** A split on one customer event (not a message's) after a wait: a wait-for-event, on as it comes. */
function eventWait(
  id: string,
  a: Split,
  to: { yes: string; no: string },
  ctx: ActivityContext,
  pinpointId: string,
): MappedActivity | undefined {
  const event = a.Condition.Conditions.length === 1 ? a.Condition.Conditions[0]?.EventCondition : undefined;
  const eventType = event?.Dimensions?.EventType;
  const waitFor = a.EvaluationWaitTime?.WaitFor;
  if (!event || event.MessageActivity || eventType?.Values.length !== 1 || !waitFor) return undefined;
  const { duration, approximate } = rapportDuration(waitFor);
  const filtered = Object.keys(event.Dimensions?.Attributes ?? {}).length > 0;
  return {
    steps: [
      {
        id,
        type: 'wait-for-event',
        event: ctx.eventName(eventType.Values[0]!),
        timeout: duration,
        onEvent: to.yes,
        onTimeout: to.no,
      },
    ],
    entries: [
      act(
        pinpointId,
        'approximated',
        `wait-for-event ${id}: a customer who does the event moves on at once, where Pinpoint waited the whole ${waitFor}` +
          (filtered ? '; the event attribute filter is not applied (any event of that type counts)' : '') +
          (approximate ? `; ${approximate}` : ''),
      ),
    ],
  };
}

/** A ConditionalSplit: one branch for ANY, a chain of branches for ALL; waiting first if it says so. */
function conditionalSplit(id: string, a: Split, ctx: ActivityContext, pinpointId: string): MappedActivity {
  const only = a.Condition.Conditions.length === 1 ? a.Condition.Conditions[0] : undefined;
  const engaged = only?.EventCondition?.MessageActivity ? engagementSplit(id, a, ctx, pinpointId) : undefined;
  if (engaged?.mapped) return engaged.mapped;
  const yes = ctx.to(a.TrueActivity);
  const no = ctx.to(a.FalseActivity);
  const waited = eventWait(id, a, { yes, no }, ctx, pinpointId);
  if (waited) return waited;
  const { anyOfs, entries } = conditionsOf(pinpointId, a.Condition.Conditions, ctx, engaged?.reason);
  const branchId = a.EvaluationWaitTime ? ctx.newId(`${id}-check`) : id;
  const steps: Step[] = [];
  const wait = waitStep(id, a.EvaluationWaitTime, branchId, ctx);
  if (wait) steps.push(wait.step);
  if (a.Condition.Operator === 'ANY' || anyOfs.length === 1) {
    const paths = anyOfs.flat().map((when, i) => ({ name: `yes-${i + 1}`, when, next: yes }));
    steps.push(branch(branchId, paths, no));
  } else {
    const ids = anyOfs.map((_, i) => (i === 0 ? branchId : ctx.newId(`${id}-and-${i + 1}`)));
    anyOfs.forEach((anyOf, i) => {
      const onward = ids[i + 1] ?? yes;
      steps.push(
        branch(
          ids[i]!,
          anyOf.map((when, j) => ({ name: `yes-${j + 1}`, when, next: onward })),
          no,
        ),
      );
    });
  }
  const chain = a.Condition.Operator === 'ALL' && anyOfs.length > 1;
  const conditions = anyOfs.map((anyOf) => anyOf.map(words).join(' or ')).join(chain ? '; and ' : ' or ');
  const how = `branch ${branchId}${chain ? ` and ${anyOfs.length - 1} more (one per condition, all must hold)` : ''}${wait ? `, after wait ${id} (${wait.step.type === 'wait' && wait.step.duration ? wait.step.duration : 'a date'})` : ''}: ${conditions}`;
  entries.unshift(
    act(pinpointId, wait?.note ? 'approximated' : 'exact', wait?.note ? `${how}; ${wait.note}` : how),
  );
  return { steps, entries };
}

function multiCondition(
  id: string,
  a: NonNullable<Activity['MultiCondition']>,
  ctx: ActivityContext,
  pinpointId: string,
): MappedActivity {
  const { anyOfs, entries } = conditionsOf(
    pinpointId,
    a.Branches.map((b) => b.Condition),
    ctx,
  );
  const branchId = a.EvaluationWaitTime ? ctx.newId(`${id}-check`) : id;
  const wait = waitStep(id, a.EvaluationWaitTime, branchId, ctx);
  const paths = a.Branches.flatMap((b, i) =>
    anyOfs[i]!.map((when, j) => ({
      name: anyOfs[i]!.length > 1 ? `branch-${i + 1}-${j + 1}` : `branch-${i + 1}`,
      when,
      next: ctx.to(b.NextActivity),
    })),
  );
  const how = `branch ${branchId}: the first branch that holds, top to bottom, else the default${wait ? `, after wait ${id}` : ''}: ${paths.map((p) => `${p.name} ${words(p.when)}`).join('; ')}`;
  entries.unshift(
    act(pinpointId, wait?.note ? 'approximated' : 'exact', wait?.note ? `${how}; ${wait.note}` : how),
  );
  return {
    steps: [...(wait ? [wait.step] : []), branch(branchId, paths, ctx.to(a.DefaultActivity))],
    entries,
  };
}

type Mapper = (pinpointId: string, id: string, a: Activity, ctx: ActivityContext) => MappedActivity;

const email: Mapper = (pinpointId, id, a, ctx) => {
  const { TemplateName, MessageConfig, NextActivity } = a.EMAIL!;
  const template = slugOf(TemplateName, 'template');
  const entries = [act(pinpointId, 'exact', `send ${id}: email, template ${template}, topic ${ctx.topic}`)];
  if (MessageConfig?.FromAddress)
    entries.push(
      act(
        pinpointId,
        'approximated',
        `FromAddress ${MessageConfig.FromAddress}: Rapport sends from the deployment's sender (an SES identity, see README)`,
      ),
    );
  const send = {
    id,
    type: 'send',
    channel: 'email',
    template,
    category: 'marketing',
    priority: 'normal',
  } as const;
  return { steps: [{ ...send, topic: ctx.topic, next: ctx.to(NextActivity) }], entries };
};

const sms: Mapper = (pinpointId, id, a, ctx) => {
  const { TemplateName, MessageConfig: config, NextActivity } = a.SMS!;
  const template = slugOf(TemplateName, 'template');
  const transactional = config?.MessageType === 'TRANSACTIONAL';
  const kind = transactional ? 'transactional' : `marketing, topic ${ctx.topic}`;
  const entries = [act(pinpointId, 'exact', `send ${id}: sms, template ${template}, ${kind}`)];
  const origin = config?.OriginationNumber ?? config?.SenderId;
  if (origin)
    entries.push(
      act(
        pinpointId,
        'approximated',
        `origination ${origin}: Rapport sends from the deployment's End User Messaging origination identity (configure the same number)`,
      ),
    );
  const send = { id, type: 'send', channel: 'sms', template, priority: 'normal' } as const;
  const category = transactional
    ? ({ category: 'transactional' } as const)
    : ({ category: 'marketing', topic: ctx.topic } as const);
  return { steps: [{ ...send, ...category, next: ctx.to(NextActivity) }], entries };
};

const wait: Mapper = (pinpointId, id, a, ctx) => {
  const w = waitStep(id, a.Wait!.WaitTime, ctx.to(a.Wait!.NextActivity), ctx)!;
  const status = w.note ? 'approximated' : 'exact';
  const what = w.step.type === 'wait' && w.step.duration ? ` ${w.step.duration}` : '';
  return {
    steps: [w.step],
    entries: [act(pinpointId, status, `wait ${id}${what}${w.note ? `: ${w.note}` : ''}`)],
  };
};

/** Rapport's split paths need a share above 0: a 0% branch (no customer takes it) is left out. */
/** A Rapport split mapped exactly from a Pinpoint split, said as `split <id>: <how>`. */
const mappedSplit = (
  pinpointId: string,
  id: string,
  paths: Extract<Step, { type: 'split' }>['paths'],
  how: string,
): MappedActivity => ({
  steps: [{ id, type: 'split', paths }],
  entries: [act(pinpointId, 'exact', `split ${id}: ${how}`)],
});

const randomSplit: Mapper = (pinpointId, id, a, ctx) => {
  const branches = a.RandomSplit!.Branches;
  const paths = branches.flatMap((b, i) =>
    b.Percentage > 0 ? [{ name: `path-${i + 1}`, percent: b.Percentage, next: ctx.to(b.NextActivity) }] : [],
  );
  const shares = paths.map((p) => `${p.percent}%`).join(' / ');
  const dropped = branches.length - paths.length;
  const left = dropped ? ` (${dropped} branch(es) of 0% left out)` : '';
  return mappedSplit(pinpointId, id, paths, `${shares}, fixed per customer${left}`);
};

const holdout: Mapper = (pinpointId, id, a, ctx) => {
  const p = a.Holdout!.Percentage;
  const paths = [
    { name: 'holdout', percent: p, holdout: true, next: ctx.end },
    { name: 'journey', percent: 100 - p, next: ctx.to(a.Holdout!.NextActivity) },
  ];
  return mappedSplit(
    pinpointId,
    id,
    paths,
    `${p}% holdout (leaves the journey, measured), ${100 - p}% go on`,
  );
};

/** A Lambda or webhook activity: a task event on EventBridge, which a rule can deliver there. */
const custom: Mapper = (pinpointId, id, a, ctx) => {
  const target = a.CUSTOM!.DeliveryUri ?? 'its target';
  const title = `Pinpoint custom activity ${pinpointId}: ${target}`.slice(0, 200);
  return {
    steps: [
      {
        id,
        type: 'task',
        assignee: 'custom-activity',
        title,
        priority: 'normal',
        next: ctx.to(a.CUSTOM!.NextActivity),
      },
    ],
    entries: [
      act(
        pinpointId,
        'approximated',
        `task ${id}: published on EventBridge (assignee custom-activity); add a rule that sends it to ${target}. Pinpoint sent endpoint batches; the task event carries one customer`,
      ),
    ],
  };
};

const MAPPERS: Record<string, Mapper> = {
  EMAIL: email,
  SMS: sms,
  Wait: wait,
  ConditionalSplit: (pinpointId, id, a, ctx) => conditionalSplit(id, a.ConditionalSplit!, ctx, pinpointId),
  MultiCondition: (pinpointId, id, a, ctx) => multiCondition(id, a.MultiCondition!, ctx, pinpointId),
  RandomSplit: randomSplit,
  Holdout: holdout,
  CUSTOM: custom,
};

/** The activity types that become steps, in the order an activity's type is looked for. */
export const SUPPORTED = Object.keys(MAPPERS);

/** The steps one supported activity becomes (its first step taking `id`), and how each part came across. */
export function mapActivity(
  pinpointId: string,
  id: string,
  a: Activity,
  ctx: ActivityContext,
): MappedActivity {
  const kind = SUPPORTED.find((k) => a[k] !== undefined);
  if (!kind)
    throw new RangeError(`activity ${pinpointId} has no supported type (map-journey.ts skips those)`);
  return MAPPERS[kind]!(pinpointId, id, a, ctx);
}
