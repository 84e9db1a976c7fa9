import { assertNever } from '../assert-never';
import type { ExclusiveGroup } from '../config/interplay';
import { conditionWords } from './condition-words';
import { engagedSendOf } from './engaged-message';
import { DEFAULT_JOURNEY_PRIORITY, type Journey, type Step } from './schema';
import { successors } from './steps';

/** settings.yaml `exclusiveGroups`, when the caller has settings at hand: the rules then say each group's mode. */
export type GroupModes = Readonly<Record<string, Pick<ExclusiveGroup, 'onHigherPriority'>>>;

/** A Mermaid flowchart of a journey, for reviews and docs (`rapport graph <journey>`). */
export function journeyToMermaid(journey: Journey, groups?: GroupModes): string {
  const lines = ['flowchart TD'];
  const { start, where } = entryLabel(journey);
  lines.push(`  start(["${escape(start)}${where ? `<br/>where ${escape(where)}` : ''}"])`);
  if (journey.steps[0]) lines.push(`  start --> ${nodeId(journey.steps[0].id)}`);
  journey.steps.forEach((step, i) => {
    lines.push(`  ${nodeId(step.id)}${shape(step, journey.steps)}`);
    const next = successors(step, journey.steps[i + 1]?.id);
    for (const [target, label] of labelled(step, next)) {
      // Quoted: an unquoted label may not hold ( ) [ ] { } and the like, which Mermaid reads as shapes.
      lines.push(`  ${nodeId(step.id)} -->${label ? `|"${escape(label)}"|` : ''} ${nodeId(target)}`);
    }
    if (next.length === 0 && step.type !== 'exit') lines.push(`  ${nodeId(step.id)} --> finish(["end"])`);
  });
  const rules = journeyRules(journey, groups);
  // Beside the start, joined by a dotted line: rules of the whole journey, not a step customers pass.
  if (rules.length > 0) lines.push(`  rules>"${rules.map(escape).join('<br/>')}"]`, '  start -.- rules');
  return `${lines.join('\n')}\n`;
}

/** What starts the journey, and the conditions on it, in words. */
export function entryLabel(journey: Journey): { start: string; where: string } {
  const { entry } = journey;
  const start =
    entry.stage !== undefined
      ? `enters stage ${entry.stage}`
      : entry.tier !== undefined
        ? `enters tier ${entry.tier}`
        : entry.date !== undefined
          ? `every year on ${entry.date.anniversary ?? [entry.date.holiday ?? []].flat().join(' or ')} at ${entry.date.timeOfDay}`
          : `event ${[entry.event].flat().join(' or ')}`;
  const where = Object.entries(entry.where ?? {})
    .map(([k, v]) =>
      Array.isArray(v)
        ? `${k} in ${v.join(', ')}`
        : typeof v === 'object'
          ? `${k} ${JSON.stringify(v).replace(/"/g, '')}`
          : `${k} = ${String(v)}`,
    )
    .join(', ');
  return { start, where };
}

/**
 * The rules of the whole journey, in words: its goal, its re-entry rule, its exclusive group and priority
 * (with the group's mode when `groups` gives it), the experiments its splits run.
 */
export function journeyRules(journey: Journey, groups?: GroupModes): string[] {
  const rules: string[] = [];
  if (journey.goal) rules.push(`goal: ${journey.goal.event} within ${journey.goal.within}`);
  const r = journey.reEntry;
  rules.push(`re-entry: ${typeof r === 'string' ? r : `at most every ${r.every}`}`);
  const mode = journey.exclusive ? groups?.[journey.exclusive]?.onHigherPriority : undefined;
  if (journey.exclusive)
    rules.push(
      `exclusive: ${journey.exclusive}, priority ${journey.priority}${mode ? ` (a higher priority: ${mode})` : ''}`,
    );
  // Outside a group a priority only orders the starts of one event: said when it is not the default.
  else if (journey.priority !== DEFAULT_JOURNEY_PRIORITY)
    rules.push(`priority ${journey.priority} (no exclusive group)`);
  for (const step of journey.steps) {
    if (step.type !== 'split' || !step.experiment) continue;
    const { metric, minSample, onWinner } = step.experiment;
    rules.push(
      `experiment ${step.id}: ${metric.event} within ${metric.within}, ${minSample} per arm, winner: ${onWinner === 'route' ? 'gets new entrants' : 'reported'}`,
    );
  }
  return rules;
}

export const START = '(start)';
export const FINISH = '(end)';

export interface DiagramNode {
  /** A step id, or START / FINISH (no step id has parentheses). */
  id: string;
  label: string;
  type: Step['type'] | 'start' | 'finish';
}

export interface Diagram {
  /** The journey's rules (journeyRules), drawn beside the steps. */
  rules: string[];
  nodes: DiagramNode[];
  edges: { from: string; to: string; label?: string }[];
}

/** The graph `rapport graph` draws, as nodes and labelled edges, for a picture drawn elsewhere (the console). */
export function journeyDiagram(journey: Journey, groups?: GroupModes): Diagram {
  const { start, where } = entryLabel(journey);
  const nodes: DiagramNode[] = [
    { id: START, label: where ? `${start} where ${where}` : start, type: 'start' },
  ];
  const edges: Diagram['edges'] = journey.steps[0] ? [{ from: START, to: journey.steps[0].id }] : [];
  let finish = false;
  journey.steps.forEach((step, i) => {
    nodes.push({ id: step.id, label: stepLabel(step, journey.steps), type: step.type });
    const next = successors(step, journey.steps[i + 1]?.id);
    for (const [to, label] of labelled(step, next))
      edges.push({ from: step.id, to, ...(label ? { label } : {}) });
    if (next.length === 0 && step.type !== 'exit') {
      edges.push({ from: step.id, to: FINISH });
      finish = true;
    }
  });
  if (finish) nodes.push({ id: FINISH, label: 'end', type: 'finish' });
  return { rules: journeyRules(journey, groups), nodes, edges };
}

function labelled(step: Step, next: string[]): [string, string | undefined][] {
  if (step.type === 'branch')
    return [
      ...step.paths.map((p) => [p.next, `${p.name}: ${conditionWords(p.when)}`] as [string, string]),
      [step.default, 'otherwise'],
    ];
  if (step.type === 'wait-for-event') {
    const engaged = ENGAGEMENT_WORDS[step.event];
    return [
      [step.onEvent, engaged ? engaged.edge : step.event],
      [step.onTimeout, engaged ? `no ${engaged.noun} in ${step.timeout}` : `after ${step.timeout}`],
    ];
  }
  if (step.type === 'split')
    return step.paths.map((p) => [p.next, `${p.name} ${p.percent}%${p.holdout ? ' (holdout)' : ''}`]);
  return next.map((n) => [n, undefined]);
}

/** An engagement event in words: on the edge it takes, and as what the wait is for. */
const ENGAGEMENT_WORDS: Record<string, { noun: string; edge: string; of: string }> = {
  'email-delivered': { noun: 'delivery', edge: 'delivered', of: 'a delivery of' },
  'email-opened': { noun: 'open', edge: 'opened', of: 'an open of' },
  'email-clicked': { noun: 'click', edge: 'clicked', of: 'a click on' },
  'sms-delivered': { noun: 'delivery', edge: 'delivered', of: 'a delivery of' },
};

/** "wait up to 3d for a click on thank-you": the message is the send named, or the one before the wait. */
function engagementWait(step: Extract<Step, { type: 'wait-for-event' }>, steps: readonly Step[]): string {
  const words = ENGAGEMENT_WORDS[step.event];
  const found = words && !step.message ? engagedSendOf(steps, steps.indexOf(step)) : undefined;
  const message = step.message ?? (found?.kind === 'send' ? found.sendId : undefined);
  return words && message
    ? `wait up to ${step.timeout} for ${words.of} ${message}`
    : `wait up to ${step.timeout} for ${step.event}`;
}

/** A step in words, as its box in the diagram says it (`steps`: the journey's, for what a wait is about). */
export function stepLabel(step: Step, steps: readonly Step[] = [step]): string {
  switch (step.type) {
    case 'send':
      return `${step.id}: send ${step.channel} ${step.template}`;
    case 'wait': {
      const u = step.until;
      const label =
        step.duration ??
        (u?.holiday
          ? `until ${[u.holiday].flat().join(' or ')} ${u.timeOfDay}`
          : u?.anniversary
            ? `until ${u.anniversary} ${u.timeOfDay}`
            : `until ${u?.timeOfDay}`);
      // The bound: a moment further away than this is not waited for at all.
      const within = u?.within ? ` within ${u.within} (else no wait)` : '';
      return `${step.id}: wait ${label}${within}`;
    }
    case 'branch':
      return `${step.id}: branch`;
    case 'split':
      return `${step.id}: ${step.experiment ? 'experiment' : 'split'}`;
    case 'wait-for-event':
      return `${step.id}: ${engagementWait(step, steps)}`;
    case 'update':
      return `${step.id}: update profile`;
    case 'task':
      return `${step.id}: task for ${step.assignee}`;
    case 'exit':
      return `${step.id}: exit`;
    default:
      return assertNever(step);
  }
}

function shape(step: Step, steps: readonly Step[]): string {
  const label = escape(stepLabel(step, steps));
  switch (step.type) {
    case 'send':
      return `["${label}"]`;
    case 'wait':
    case 'wait-for-event':
      return `{{"${label}"}}`;
    case 'branch':
    case 'split':
      return `{"${label}"}`;
    case 'update':
      return `[/"${label}"/]`;
    case 'task':
      return `[["${label}"]]`;
    case 'exit':
      return `(["${label}"])`;
    default:
      return assertNever(step);
  }
}

const nodeId = (id: string) => `s_${id.replace(/-/g, '_')}`;
const escape = (s: string) => s.replace(/"/g, '#quot;');
