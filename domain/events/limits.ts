import * as z from '../zod';
import { formatPath, type Problem } from '../errors';
import { expect } from '../config/problems';

/** Deepest nesting an event may have: the deepest real field (`customer.consent.topics.x`) is at 4. */
export const MAX_EVENT_DEPTH = 8;

/**
 * Names JavaScript objects already carry (`constructor`, `__proto__`, `toString`…) and `prototype`:
 * as keys they confuse object handling downstream (the DynamoDB marshaller refuses `constructor`).
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/**
 * The first place nested deeper than `maxDepth`, found without recursion, so that a 10,000-level
 * document is refused before anything recursive (validation, error messages, logging) runs on it.
 */
export function depthProblem(data: unknown, maxDepth = MAX_EVENT_DEPTH): Problem | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= maxDepth)
      return {
        field: formatPath(path),
        value: Array.isArray(value) ? '[…]' : '{…}',
        expected: `at most ${maxDepth} levels of nesting (no event field is nested this deep)`,
      };
    for (const [k, v] of Object.entries(value))
      stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
  }
  return undefined;
}

/**
 * Every key, at any depth, that is a reserved name. Validation alone cannot see them all: an own
 * `__proto__` key (JSON.parse makes one) is skipped by object schemas and would vanish silently.
 * Call after `depthProblem`, since this walks the whole value.
 */
export function reservedKeyProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const [k, v] of Object.entries(value)) {
      const at = [...path, Array.isArray(value) ? Number(k) : k];
      if (!Array.isArray(value) && isReservedKey(k))
        problems.push({ field: formatPath(at), value: k, expected: RESERVED_EXPECTED });
      else stack.push({ value: v, path: at });
    }
  }
  return problems;
}

export const RESERVED_EXPECTED =
  'a name other than constructor, prototype, __proto__ or another built-in object property';

/**
 * Numbers DynamoDB stores exactly and JSON carries exactly: whole numbers up to 2^53 − 1 (beyond, JSON
 * parsers silently round and the DynamoDB marshaller refuses them) and magnitudes no smaller than
 * DynamoDB's 1e-130.
 */
export const STORABLE_MAX = Number.MAX_SAFE_INTEGER;
export const STORABLE_MIN_MAGNITUDE = 1e-130;

export function isStorableNumber(n: number): boolean {
  const m = Math.abs(n);
  return Number.isFinite(n) && m <= STORABLE_MAX && (m === 0 || m >= STORABLE_MIN_MAGNITUDE);
}

export function storableNumber(what: string) {
  return z
    .number(expect(what))
    .check(
      z.refine(
        isStorableNumber,
        expect(`${what}, between -${STORABLE_MAX} and ${STORABLE_MAX}, and 0 or at least 1e-130 in size`),
      ),
    );
}
