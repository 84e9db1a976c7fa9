import { eventBurst } from '../../local/capacity/scenarios/event-burst';
import { WORKFLOWS_DIR } from '../support/local';

/**
 * Scenario 2 of #12, small and on today's path (EventBridge → ingest queue → ingest-event, starting
 * journeys inline): every event applied once, every journey started, nothing dead-lettered. The big
 * burst (and round 2's accept-event and start queue) is `npm run bench`'s.
 */
describe('capacity model: a burst of events through the ingest queue', () => {
  it('applies every event once and starts every journey, with nothing in a dead-letter queue', async () => {
    const result = await eventBurst({ workflowsDir: WORKFLOWS_DIR, eventsPerSecond: 100, seconds: 2 });
    expect(result.events).toBe(200);
    expect(result.profiles).toBe(200);
    expect(result.journeysStarted).toBe(200);
    const ingest = result.figures.queues.ingest!;
    expect(ingest).toMatchObject({ sent: 200, deleted: 200, deadLetters: 0, depth: 0 });
  });
});
