import { splitBucket } from '../../domain/journey/conditions';
import { runScenario, Scenario } from './scenario';

const JOURNEY = 'win-back-experiment';
const SPLIT = `${JOURNEY}/offer-test`;
const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(2, '0')}`;
const early = Array.from({ length: 60 }, (_, i) => id('early-', i));
const late = Array.from({ length: 10 }, (_, i) => id('late-', i));
/** The first 30 early customers are pinned to the reminder, the other 30 to the offer. */
const armOf = (i: number) => (i < 30 ? 'reminder' : 'offer');
/** 20 of the 30 offered buy within the week, 3 of the 30 reminded do. */
const buys = (i: number) => (i < 30 ? i < 3 : i < 50);

const customer = (name: string, feedbackAt: string, extra: object = {}) => ({
  email: `${name}@example.com`,
  feedback: [{ at: feedbackAt, survey: 'nps', score: 8 }],
  ...extra,
});

/**
 * Written in code rather than YAML: 70 customers alike but for their arm and purchase. The scenario runs
 * only its own journey, so that the arms' figures are the experiment's alone.
 */
const scenario = Scenario.parse({
  title: 'An experiment declares a winner after its sample and routes later entrants to it',
  start: '2026-03-02T00:00:00Z',
  until: '2026-03-13T00:00:00Z',
  journeys: [`journeys/${JOURNEY}.yaml`],
  shippedJourneys: false,
  customers: Object.fromEntries([
    ...early.map((name, i) => [
      name,
      customer(name, '2026-03-02T02:00:00Z', {
        arms: { [SPLIT]: armOf(i) },
        purchases: buys(i) ? [{ at: '2026-03-04T02:00:00Z', amount: 100 }] : [],
      }),
    ]),
    // After the windows have passed (9 March) and the daily sweep has recorded the verdict (10 March).
    ...late.map((name) => [name, customer(name, '2026-03-12T02:00:00Z')]),
  ]),
  expect: { messages: [] },
});

describe('experiments', () => {
  it(
    scenario.title,
    async () => {
      // Without routing, the hash would put some of the late customers on the reminder.
      expect(late.filter((c) => splitBucket(JOURNEY, 'offer-test', c) < 50).length).toBeGreaterThan(0);

      const outcome = await runScenario(scenario);

      const templates = (who: readonly string[]) =>
        who.map((c) => outcome.messages.filter((m) => m.customer === c).map((m) => m.template));
      expect(templates(early)).toEqual(
        early.map((_, i) => [armOf(i) === 'offer' ? 'personal-offer' : 'we-miss-you']),
      );
      expect(templates(late)).toEqual(late.map(() => ['personal-offer']));
      expect(outcome.conversions.filter((c) => c.journey === JOURNEY)).toHaveLength(23);
    },
    240_000,
  );
});
