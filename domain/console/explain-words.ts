import { assertNever } from '../assert-never';
import {
  pathHeld,
  type ConditionCheck,
  type DecisionExplanation,
  type Had,
  type PathExplanation,
} from '../journey/explain';
import { wantedWords } from '../journey/condition-words';
import type { DecisionRecord } from '../ports';

type Decided = Pick<DecisionRecord, 'kind' | 'path' | 'explanation'>;

const mark = (held: boolean) => (held ? '✓' : '✗');

/** A split arm's bound, two decimals at most, without the noise of adding fractional percents. */
const num = (n: number) => String(Number(n.toFixed(2)));

const hadWords = (had: Had, quoted = false): string =>
  had === null ? '(none)' : quoted && typeof had === 'string' ? JSON.stringify(had) : String(had);

/** One check in words: `purchaseCount ≥ 2 — had 1 ✗`. */
export function checkWords(c: ConditionCheck): string {
  const had = c.key === 'tag' ? (c.had ? 'it' : 'not') : hadWords(c.had, c.key === 'attribute');
  return `${wantedWords(c)} — had ${had} ${mark(c.held)}`;
}

function pathWords(p: PathExplanation): string {
  if (p.checks.length === 0) return `path "${p.name}" needs nothing ${mark(true)}`;
  return `path "${p.name}" needs ${p.checks.map(checkWords).join('; ')}`;
}

const armRange = (a: { from: number; to: number }) => `[${num(a.from)}, ${num(a.to)})`;

/** The bucket shown never rounds up into the next arm's range. */
const bucketWords = (b: number) => (Math.floor(b * 100) / 100).toFixed(2);

/** How a decision was made, one line per path evaluated (a branch) or one line (a split). */
export function explanationLines(d: Decided): string[] {
  const e = d.explanation;
  if (!e) return [d.kind === 'branch' ? 'conditions not recorded' : 'bucket not recorded'];
  return explainedLines(e, d.path);
}

function explainedLines(e: DecisionExplanation, taken: string): string[] {
  switch (e.kind) {
    case 'branch': {
      const lines = e.paths.map(pathWords);
      return e.paths.some(pathHeld) ? lines : [...lines, 'no path held: the default was taken'];
    }
    case 'split': {
      const arms = e.arms.map(
        (a) =>
          `"${a.name}" ${armRange(a)}${a.holdout ? ' holdout' : ''}${a.name === taken ? ` ${mark(true)}` : ''}`,
      );
      const line = `bucket ${bucketWords(e.bucket)} of [0, 100): ${arms.join('; ')}`;
      if (!e.routed) return [line];
      return [line, `routed to "${e.routed.winner}", the experiment's winner since ${e.routed.since}`];
    }
    default:
      return assertNever(e);
  }
}

/** The timeline's short form: which paths failed on which keys, or the split's bucket; '' when not recorded. */
export function explanationShort(d: Decided): string {
  const e = d.explanation;
  if (!e) return '';
  switch (e.kind) {
    case 'branch': {
      const paths = e.paths.map((p) =>
        pathHeld(p)
          ? `"${p.name}" ✓`
          : `"${p.name}" ✗ ${p.checks
              .filter((c) => !c.held)
              .map((c) => c.key)
              .join(', ')}`,
      );
      return paths.length === 0 ? '' : ` [${paths.join('; ')}]`;
    }
    case 'split':
      return ` [bucket ${bucketWords(e.bucket)}${e.routed ? `; routed to the winner "${e.routed.winner}"` : ''}]`;
    default:
      return assertNever(e);
  }
}
