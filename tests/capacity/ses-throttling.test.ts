import { sesThrottling } from '../../local/capacity/scenarios/ses-throttling';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * Scenario 3 of #12, small: SES sends at half its configured rate for an hour while every customer's
 * execution (started through the start queue and start-journey) sends at once. The real compiled ASL
 * and handlers in the capacity model: the figures of the big run are `npm run bench:capacity`'s; here,
 * only what must hold whatever the timing.
 */
describe('capacity model: SES throttled to half its rate for an hour', () => {
  it('sends every message later, none dropped, none twice, and fails no execution', async () => {
    const customers = 100;
    const result = await sesThrottling({
      workflowsDir: WORKFLOWS_DIR,
      customers,
      scale: { emailsPerSecond: 2 },
    });
    const { figures } = result;
    // Throttling did happen, at SES and at send-message's reserved concurrency, and sends were deferred.
    expect(figures.ses.throttled).toBeGreaterThan(0);
    expect(figures.executions.deferralRounds).toBeGreaterThan(0);
    // Every customer greeted exactly once; every execution succeeded; no message failed or left waiting.
    expect(result.greeted).toBe(customers);
    expect(figures.ses.duplicates).toBe(0);
    expect(figures.ses.accepted).toBe(customers);
    expect(figures.executions).toMatchObject({ succeeded: customers, failed: 0 });
    expect({ failed: result.failedMessages, deferred: result.deferredMessages }).toEqual({
      failed: 0,
      deferred: 0,
    });
    // The starts went through the start queue and start-journey: all of them, none dead-lettered.
    expect(figures.queues.starts).toMatchObject({ sent: customers, deadLetters: 0, depth: 0 });
  });
});
