import { eventBurst } from '../../local/capacity/scenarios/event-burst';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * Scenario 2 of #12, small: a burst of first purchases, half through POST /events (its route throttle
 * set low here, so that some are refused with 429 and sent again by the client), half through EventBridge,
 * into the ingest queue → ingest-event → the start queue → start-journey → executions. Every accepted
 * event applied once, every journey started, nothing dead-lettered. The big burst is the bench's.
 */
describe('capacity model: a burst of events through the API and EventBridge', () => {
  it('applies every event once and starts every journey, retrying 429s, with nothing dead-lettered', async () => {
    const events = 200;
    const result = await eventBurst({
      workflowsDir: WORKFLOWS_DIR,
      eventsPerSecond: 100,
      seconds: 2,
      scale: { eventsApiPerSecond: 10 },
    });
    expect(result.throttled).toBeGreaterThan(0);
    expect(result.acceptedByApi + result.putOnBus).toBe(events);
    expect(result.acceptedByApi).toBe(events / 2);
    expect({ applied: result.applied, profiles: result.profiles }).toEqual({
      applied: events,
      profiles: events,
    });
    expect(result.journeysStarted).toBe(events);
    const { ingest, starts } = result.figures.queues;
    expect(ingest).toMatchObject({ sent: events, deleted: events, deadLetters: 0, depth: 0 });
    expect(starts).toMatchObject({ sent: events, deadLetters: 0, depth: 0 });
    expect(result.figures.queues.sweep).toMatchObject({ deadLetters: 0 });
  });
});
