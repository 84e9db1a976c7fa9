import type { z } from 'zod';
import { formatPath, type Problem } from '../errors';

// Apart from the YAML parser (source.ts): handlers check their input with these, and a Lambda bundle
// that imports them should not carry a YAML parser along.

/** Reads `path` out of plain data, for quoting the offending value in a problem. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Turns zod issues into Problems. Each schema carries its own `expected` text as the issue message,
 * so that errors read as instructions rather than as type-checker output.
 */
export function zodProblems(
  error: z.core.$ZodError,
  data: unknown,
  where: {
    source?: string;
    locate?: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;
    prefix?: readonly PropertyKey[];
    /** Leaves out the issues at paths it refuses. */
    keep?: (path: readonly PropertyKey[]) => boolean;
  } = {},
): Problem[] {
  const problems: Problem[] = [];
  const visit = (issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[]) => {
    for (const issue of issues) {
      // zod reports a union mismatch as one issue holding each alternative's issues; the most useful
      // alternative is the one that got furthest, i.e. has the fewest issues.
      if (
        issue.code === 'invalid_union' &&
        issue.errors.length > 0 &&
        !issue.message.startsWith('expected: ')
      ) {
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
        if (best && best.length > 0) {
          visit(best, [...base, ...issue.path]);
          continue;
        }
      }
      // One problem per unknown key, placed at the key itself, so each reads as "this field: remove it".
      const paths =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...base, ...issue.path, k])
          : [[...base, ...issue.path]];
      for (const path of paths) {
        if (where.keep && !where.keep(path)) continue;
        const pos = where.locate?.(path);
        // A refused key (a record's): the key is what was written wrong, not the value under it.
        const value = issue.code === 'invalid_key' ? path.at(-1) : valueAt(data, path);
        problems.push({
          source: where.source,
          line: pos?.line,
          column: pos?.column,
          field: formatPath([...(where.prefix ?? []), ...path]),
          value,
          expected: expectedText(issue, value),
        });
      }
    }
  };
  visit(error.issues, []);
  return problems;
}

/** Schemas mark their own wording with this prefix; everything else is phrased here from the issue. */
export const expect = (text: string) => ({ error: `expected: ${text}` });

function expectedText(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.message.startsWith('expected: ')) return issue.message.slice('expected: '.length);
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'no such field here (remove it, or check its spelling against the documentation)';
    case 'invalid_type':
      return value === undefined ? `a ${issue.expected} (this field is required)` : `a ${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      return issue.issues[0] ? expectedText(issue.issues[0], issue.path.at(-1)) : issue.message;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options))
        return `one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      return issue.message;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}`
        : `a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}`
        : `a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}
