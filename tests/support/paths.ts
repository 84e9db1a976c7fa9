import { join } from 'node:path';

/*
 * Apart from tests/support/local.ts so that a suite needing only these does not load the whole local
 * runtime (dynalite, the Step Functions interpreter, the SES emulator: about 0.4 s a suite).
 */

export const WORKFLOWS_DIR = join(__dirname, '..', '..', 'workflows');

/**
 * The instant the tests' events happen just before (10:00:05 UTC is 18:00 in Shanghai): outside every
 * customer's quiet hours. Tests never run on the wall clock, or a marketing send would be deferred to
 * the next morning whenever the suite happens to run at night.
 */
export const TEST_NOW = '2026-11-22T10:00:05Z';
