import type { Diagram, DiagramNode } from '../../domain/journey/graph';
import { escapeHtml as esc } from '../../functions/shared/http';
import type { StepCounts } from './journey-counts';

const BOX_W = 340;
/** Room for a label and three lines of counts (entered, sent, ended). */
const BOX_H = 74;
const GAP_X = 40;
const GAP_Y = 54;
const PAD = 24;
/** Room on the right for edges that go back up (a loop), on the left for edges that skip a layer. */
const LOOP_W = 60;
const SKIP_W = 96;
/** A line of the journey's rules under the steps. */
const RULE_H = 20;

/**
 * Layers from the top: each node one below the lowest of the nodes that lead to it, edges that go back up
 * (a loop, found by depth-first search from the start) left out, so a loop cannot push a step down forever.
 */
export function layers(d: Diagram): Map<string, number> {
  const out = new Map<string, string[]>(d.nodes.map((n) => [n.id, []]));
  for (const e of d.edges) out.get(e.from)?.push(e.to);
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const to of out.get(id) ?? []) {
      if (state.get(to) === 'open') back.add(`${id}>${to}`);
      else if (!state.has(to)) visit(to);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of d.nodes) if (!state.has(n.id)) visit(n.id);
  const layer = new Map<string, number>();
  for (const id of order.reverse()) {
    layer.set(id, layer.get(id) ?? 0);
    for (const to of out.get(id) ?? [])
      if (!back.has(`${id}>${to}`)) layer.set(to, Math.max(layer.get(to) ?? 0, (layer.get(id) ?? 0) + 1));
  }
  return layer;
}

/**
 * Each count in an element of its own, with data attributes, so that a test (or a person) can read it. An
 * exit or the end shows how many ended there; a step, how many ended in it (stopped, by the goal or not, or
 * failed) when any did.
 */
function countsLine(id: string, c: StepCounts | undefined, type: DiagramNode['type']): string[] {
  if (!c) return [];
  const n = (kind: string, v: number) => `<tspan class="count" data-kind="${kind}">${v}</tspan>`;
  const ended =
    `ended here ${n('ended', c.ended)}` + (c.goalReached ? ` · by the goal ${n('goal', c.goalReached)}` : '');
  const lines =
    type === 'exit' || type === 'finish'
      ? [ended]
      : [
          type === 'start'
            ? `started ${n('entered', c.entered)}`
            : `entered ${n('entered', c.entered)} · waiting now ${n('waiting', c.waiting)}`,
        ];
  if (type === 'send') {
    const skipped = Object.values(c.skipped).reduce((a, b) => a + b, 0);
    const extra =
      (c.inDoubt ? ` · in doubt ${n('in-doubt', c.inDoubt)}` : '') +
      (c.failed ? ` · failed ${n('failed', c.failed)}` : '');
    const engaged =
      c.delivered || c.opened || c.clicked
        ? ` · opened ${n('opened', c.opened)} · clicked ${n('clicked', c.clicked)}`
        : '';
    lines.push(`sent ${n('sent', c.sent)} · skipped ${n('skipped', skipped)}${extra}${engaged}`);
  }
  if (c.ended > 0 && type !== 'exit' && type !== 'finish') lines.push(ended);
  return lines.map((l) => `<text class="counts" data-step="${esc(id)}">${l}</text>`);
}

const clip = (s: string, max = 50) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The journey as boxes top to bottom, with its edges and the counts on every step. */
export function diagramSvg(d: Diagram, counts: ReadonlyMap<string, StepCounts>, title: string): string {
  const layer = layers(d);
  const rows: DiagramNode[][] = [];
  for (const n of d.nodes) (rows[layer.get(n.id) ?? 0] ??= []).push(n);
  const widest = Math.max(1, ...rows.map((r) => r?.length ?? 0));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X + LOOP_W + SKIP_W;
  const stepsHeight = PAD * 2 + rows.length * BOX_H + (rows.length - 1) * GAP_Y;
  const height = stepsHeight + d.rules.length * RULE_H;
  const at = new Map<string, { x: number; y: number }>();
  rows.forEach((row = [], i) => {
    const rowW = row.length * BOX_W + (row.length - 1) * GAP_X;
    const x0 = SKIP_W + (width - SKIP_W - LOOP_W - rowW) / 2;
    row.forEach((n, j) => at.set(n.id, { x: x0 + j * (BOX_W + GAP_X), y: PAD + i * (BOX_H + GAP_Y) }));
  });
  const edges = d.edges.map((e, i) => edgePath(e, at.get(e.from), at.get(e.to), i, width));
  const boxes = d.nodes.map((n) => box(n, at.get(n.id) ?? { x: 0, y: 0 }, counts.get(n.id)));
  // The journey's rules (goal, re-entry, experiments) below the steps: they hold for every step.
  const rules = d.rules.map(
    (r, i) => `<text class="journey-rule" x="${PAD}" y="${stepsHeight + i * RULE_H}">${esc(r)}</text>`,
  );
  return (
    `<svg class="journey-diagram" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(title)}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6b7885"/></marker></defs>` +
    `${edges.join('')}${boxes.join('')}${rules.join('')}</svg>`
  );
}

function box(n: DiagramNode, p: { x: number; y: number }, c: StepCounts | undefined): string {
  const round = n.type === 'start' || n.type === 'finish' || n.type === 'exit' ? 24 : 4;
  const lines = [`<text class="step-label">${esc(clip(n.label))}</text>`, ...countsLine(n.id, c, n.type)];
  const y0 = p.y + (BOX_H - lines.length * 17) / 2 + 13;
  const text = lines.map((l, i) =>
    l.replace('<text ', `<text x="${p.x + BOX_W / 2}" y="${y0 + i * 17}" text-anchor="middle" `),
  );
  return (
    `<g class="step step-${n.type}" data-step="${esc(n.id)}"><title>${esc(n.label)}</title>` +
    `<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="${round}"/>${text.join('')}</g>`
  );
}

function edgePath(
  e: Diagram['edges'][number],
  from: { x: number; y: number } | undefined,
  to: { x: number; y: number } | undefined,
  i: number,
  width: number,
): string {
  if (!from || !to) return '';
  const x1 = from.x + BOX_W / 2;
  const y1 = from.y + BOX_H;
  const x2 = to.x + BOX_W / 2;
  const y2 = to.y;
  const midFrom = from.y + BOX_H / 2;
  const midTo = to.y + BOX_H / 2;
  // Down one layer: a curve from the bottom of one box to the top of the next. Down past other layers:
  // round the left side, clear of the boxes between. Back up (a loop): round the right side.
  const kind = y2 < y1 ? 'loop' : y2 - y1 > GAP_Y ? 'skip' : 'next';
  const side = kind === 'loop' ? width - LOOP_W / 2 + (i % 3) * 6 : SKIP_W / 2 - (i % 3) * 6;
  const d =
    kind === 'next'
      ? `M${x1},${y1}C${x1},${y1 + GAP_Y / 2} ${x2},${y2 - GAP_Y / 2} ${x2},${y2}`
      : kind === 'skip'
        ? `M${from.x},${midFrom}H${side}V${midTo}H${to.x}`
        : `M${from.x + BOX_W},${midFrom}H${side}V${midTo}H${to.x + BOX_W}`;
  const [lx, ly, anchor, max] =
    kind === 'next'
      ? [(x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, 'start', 36]
      : kind === 'skip'
        ? [from.x - 4, midFrom - 4, 'end', 14]
        : [to.x + BOX_W + 4, midTo - 4, 'start', 8];
  // Clipped to fit beside the edge; the whole condition shows on hover.
  const label = e.label
    ? `<text class="edge-label" x="${lx}" y="${ly}" text-anchor="${anchor}"><title>${esc(e.label)}</title>${esc(clip(e.label, max))}</text>`
    : '';
  return `<path class="edge" d="${d}" marker-end="url(#arrow)"/>${label}`;
}
