import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WORKFLOWS_DIR } from './paths';

/** A scratch copy of the shipped workflows, with some files replaced, for validation tests. */
export function workflowsWith(files: Record<string, string | null>): { dir: string; cleanup(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'rapport-wf-')), 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, path), { recursive: true, force: true });
    else {
      // A file may be added in a folder of its own (a new template's).
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return { dir, cleanup: () => rmSync(join(dir, '..'), { recursive: true, force: true }) };
}

/**
 * A wait-for-event journey for restart tests: after signing up (a `profile` event), wait up to 14 days for
 * a purchase; `check-in` if it comes, `we-miss-you` if not.
 */
export const COME_BACK_SOON = `id: come-back-soon
version: 1
description: After signing up, wait up to 14 days for a purchase.
entry: { event: profile }
steps:
  - { id: wait-for-purchase, type: wait-for-event, event: purchase, timeout: 14d, onEvent: thanks, onTimeout: nudge }
  - { id: thanks, type: send, channel: email, template: check-in, topic: offers, next: done }
  - { id: nudge, type: send, channel: email, template: we-miss-you, topic: offers, next: done }
  - { id: done, type: exit }
`;

/** The journeys shipped in workflows/, by id: tests that pin something for each say so against this. */
export const SHIPPED_JOURNEY_IDS = [
  'birthday-greeting',
  'dormancy-reactivation',
  'first-small-purchase',
  'loyal-appreciation',
  'mid-autumn-greeting',
  'nps-survey',
  'post-purchase-check-in',
  'referral-invitation',
  'service-recovery',
  'spring-festival-greeting',
  'win-back',
];
