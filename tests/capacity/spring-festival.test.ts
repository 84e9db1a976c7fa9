import { springFestival, FESTIVAL } from '../../local/capacity/scenarios/spring-festival';
import { loadWorkflows } from '../../domain/config/load';
import { DEFAULT_SWEEP_EVERY_MINUTES } from '../../infra/names';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * Scenario 1 of #12, small: the schedule → the real sweep coordinator → the sweep queue → sweep-workers →
 * the start queue → start-journey → executions → send-message, in the capacity model. Every customer due
 * for the Spring Festival greeting is greeted once, on the day, inside the morning window: from the
 * journey's timeOfDay to timeOfDay + the occasions' spread + one sweep interval (the lag allowed: the
 * last share of the spread is found by the sweep at its end, then started under the start rate). The
 * million is `npm run bench:capacity`'s.
 */
describe('capacity model: a population due for the Spring Festival greeting', () => {
  it('greets every customer once, on the day, in the morning window, with nothing dead-lettered', async () => {
    const customers = 60;
    const result = await springFestival({ workflowsDir: WORKFLOWS_DIR, customers });
    expect(result.greeted).toBe(customers);
    expect(result.figures.ses.duplicates).toBe(0);
    expect(result.figures.executions.failed).toBe(0);

    const spreadMs = loadWorkflows(WORKFLOWS_DIR).calendar.occasionSpreadMs ?? 0;
    const [h, m] = FESTIVAL.timeOfDay.split(':').map(Number) as [number, number];
    const opens = result.dayStart + ((h - FESTIVAL.utcOffsetHours) * 60 + m) * 60_000;
    const closes = opens + spreadMs + DEFAULT_SWEEP_EVERY_MINUTES * 60_000;
    const times = [...result.greetedAt.values()];
    expect(result.greetedAt.size).toBe(customers);
    expect(times.filter((t) => t < opens || t > closes)).toEqual([]);

    for (const [name, queue] of Object.entries(result.figures.queues))
      expect({ name, deadLetters: queue.deadLetters, depth: queue.depth }).toEqual({
        name,
        deadLetters: 0,
        depth: 0,
      });
    expect(result.runs.filter((r) => r.ran).length).toBeGreaterThan(0);
    expect(result.overlaps).toBe(0);
    for (const s of Object.values(result.figures.lambda)) expect(s.timedOut).toBe(0);
  });
});
