import { assertNever } from '../assert-never';
import type { Journey, Step } from './schema';
import { successors } from './steps';

/** A Mermaid flowchart of a journey, for reviews and docs (`rapport graph <journey>`). */
export function journeyToMermaid(journey: Journey): string {
  const lines = ['flowchart TD'];
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
  lines.push(`  start(["${escape(start)}${where ? `<br/>where ${escape(where)}` : ''}"])`);
  if (journey.steps[0]) lines.push(`  start --> ${nodeId(journey.steps[0].id)}`);
  journey.steps.forEach((step, i) => {
    lines.push(`  ${nodeId(step.id)}${shape(step)}`);
    const next = successors(step, journey.steps[i + 1]?.id);
    for (const [target, label] of labelled(step, next)) {
      // Quoted: an unquoted label may not hold ( ) [ ] { } and the like, which Mermaid reads as shapes.
      lines.push(`  ${nodeId(step.id)} -->${label ? `|"${escape(label)}"|` : ''} ${nodeId(target)}`);
    }
    if (next.length === 0 && step.type !== 'exit') lines.push(`  ${nodeId(step.id)} --> finish(["end"])`);
  });
  return `${lines.join('\n')}\n`;
}

function labelled(step: Step, next: string[]): [string, string | undefined][] {
  if (step.type === 'branch')
    return [...step.paths.map((p) => [p.next, p.name] as [string, string]), [step.default, 'otherwise']];
  if (step.type === 'wait-for-event')
    return [
      [step.onEvent, step.event],
      [step.onTimeout, `after ${step.timeout}`],
    ];
  if (step.type === 'split')
    return step.paths.map((p) => [p.next, `${p.name} ${p.percent}%${p.holdout ? ' (holdout)' : ''}`]);
  return next.map((n) => [n, undefined]);
}

function shape(step: Step): string {
  switch (step.type) {
    case 'send':
      return `["${escape(`${step.id}: send ${step.channel} ${step.template}`)}"]`;
    case 'wait': {
      const u = step.until;
      const label =
        step.duration ??
        (u?.holiday
          ? `until ${u.holiday} ${u.timeOfDay}`
          : u?.anniversary
            ? `until ${u.anniversary} ${u.timeOfDay}`
            : `until ${u?.timeOfDay}`);
      return `{{"${escape(`${step.id}: wait ${label}`)}"}}`;
    }
    case 'branch':
    case 'split':
      return `{"${escape(`${step.id}: ${step.type}`)}"}`;
    case 'wait-for-event':
      return `{{"${escape(`${step.id}: wait up to ${step.timeout} for ${step.event}`)}"}}`;
    case 'update':
      return `[/"${escape(`${step.id}: update profile`)}"/]`;
    case 'task':
      return `[["${escape(`${step.id}: task for ${step.assignee}`)}"]]`;
    case 'exit':
      return `(["${escape(`${step.id}: exit`)}"])`;
    default:
      return assertNever(step);
  }
}

const nodeId = (id: string) => `s_${id.replace(/-/g, '_')}`;
const escape = (s: string) => s.replace(/"/g, '#quot;');
