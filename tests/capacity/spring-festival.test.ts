import { springFestival } from '../../local/capacity/scenarios/spring-festival';
import { WORKFLOWS_DIR } from '../support/local';

/**
 * Scenario 1 of #12, small, on today's wiring (the serial sweep starts the journeys itself): every
 * customer due for the Spring Festival greeting is greeted on the day, once. Round 2 runs the same with
 * the coordinator, the sweep and start queues; the million is `npm run bench`'s.
 */
describe('capacity model: a population due for the Spring Festival greeting', () => {
  it('greets every customer on the day, none twice, and fails no execution', async () => {
    const customers = 60;
    const result = await springFestival({ workflowsDir: WORKFLOWS_DIR, customers });
    expect(result.greeted).toBe(customers);
    expect(result.figures.ses.duplicates).toBe(0);
    expect(result.figures.executions.failed).toBe(0);
    // On the festival day (it starts at 00:00 UTC, 08:00 in Shanghai).
    expect(result.lastGreetingAfterSeconds).toBeLessThan(86_400);
  });
});
