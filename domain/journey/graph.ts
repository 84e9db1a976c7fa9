import { assertNever } from '../assert-never';
import type { Journey, Step } from './schema';

/** A Mermaid flowchart of a journey, for reviews and docs (`rapport graph <journey>`). */
export function journeyToMermaid(journey: Journey): string {
  const lines = ['flowchart TD'];
  const entry =
    journey.entry.stage !== undefined
      ? `enters stage ${journey.entry.stage}`
      : `event ${journey.entry.event}`;
  const where = Object.entries(journey.entry.where ?? {})
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  lines.push(`  start(["${escape(entry)}${where ? `<br/>where ${escape(where)}` : ''}"])`);
  let previous = 'start';
  for (const step of journey.steps) {
    const node = nodeId(step.id);
    lines.push(`  ${node}${shape(step)}`);
    lines.push(`  ${previous} --> ${node}`);
    previous = node;
    if (step.type === 'exit') break;
  }
  if (journey.steps.at(-1)?.type !== 'exit') {
    lines.push('  finish(["end"])', `  ${previous} --> finish`);
  }
  return `${lines.join('\n')}\n`;
}

function shape(step: Step): string {
  switch (step.type) {
    case 'send':
      return `["${escape(`${step.id}: send ${step.channel} ${step.template}`)}"]`;
    case 'wait':
      return `{{"${escape(`${step.id}: wait ${step.duration}`)}"}}`;
    case 'exit':
      return `(["${escape(`${step.id}: exit`)}"])`;
    default:
      return assertNever(step);
  }
}

const nodeId = (id: string) => `s_${id.replace(/-/g, '_')}`;
const escape = (s: string) => s.replace(/"/g, '#quot;');
