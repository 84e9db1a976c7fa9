import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import type { PurchaseEvent } from '../../domain/events/schema';
import type { MessageRecord } from '../../domain/ports';
import { forecastCost } from '../../domain/simulate/cost';
import { generatePopulation } from '../../domain/simulate/population/generate';
import type { SimulationResult } from '../../domain/simulate/result';
import { walkExecution } from '../../domain/simulate/transitions';
import { simulate } from '../../local/simulator/engine';
import { WORKFLOWS_DIR } from '../support/paths';
import { workflowsWith } from '../support/workflows';

/**
 * Issue 11's `--compare` and cost checks, on the simulator's engine: 24 customers, each a small first
 * purchase at 10:00 in Shanghai on their own day of January, through the first-purchase journey alone.
 */
const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-03-01T00:00:00.000Z';
const DAY = 86_400_000;
const JOURNEY = 'first-small-purchase';
const shipped = readFileSync(join(WORKFLOWS_DIR, 'journeys', `${JOURNEY}.yaml`), 'utf8');

const events: PurchaseEvent[] = Array.from({ length: 24 }, (_, i) => ({
  eventId: `p-${i}`,
  type: 'purchase',
  customerId: `c-${i}`,
  at: new Date(Date.parse('2026-01-02T02:00:00Z') + i * DAY).toISOString(),
  amount: 19.9,
  currency: 'CNY',
  customer: { email: `c-${i}@example.com`, locale: 'en', timeZone: 'Asia/Shanghai' },
}));

/** The shipped workflows with the first-purchase journey alone, as given. */
function workflowsWithJourney(yaml: string) {
  const others = readdirSync(join(WORKFLOWS_DIR, 'journeys')).filter((f) => f !== `${JOURNEY}.yaml`);
  return workflowsWith({
    ...Object.fromEntries(others.map((f) => [`journeys/${f}`, null])),
    [`journeys/${JOURNEY}.yaml`]: yaml,
  });
}

async function run(yaml: string): Promise<{ result: SimulationResult; sent: MessageRecord[] }> {
  const wf = workflowsWithJourney(yaml);
  try {
    let sent: MessageRecord[] = [];
    const result = await simulate({
      workflowsDir: wf.dir,
      events,
      from: FROM,
      to: TO,
      sweepEveryMs: DAY,
      forecast: forecastCost,
      inspect: async ({ seen }) => void (sent = [...seen.sent]),
    });
    return { result, sent };
  } finally {
    wf.cleanup();
  }
}

const byTemplate = (sent: MessageRecord[]) =>
  sent.reduce<Record<string, number>>((n, m) => ({ ...n, [m.template]: (n[m.template] ?? 0) + 1 }), {});

describe('the simulator compares two versions of the workflows', () => {
  it('a longer wait moves the messages after it and changes no count', async () => {
    const before = await run(shipped);
    const after = await run(shipped.replace('duration: 3d', 'duration: 5d'));
    expect(byTemplate(after.sent)).toEqual(byTemplate(before.sent));
    expect(byTemplate(before.sent)['first-purchase-tips']).toBe(24);
    const tips = (r: typeof before) =>
      new Map(
        r.sent.filter((m) => m.template === 'first-purchase-tips').map((m) => [m.customerId, m.sentAt]),
      );
    for (const [customer, at] of tips(before))
      expect(Date.parse(tips(after).get(customer)!) - Date.parse(at!)).toBe(2 * DAY);
    // The thank-you comes before the wait: it does not move.
    const thanks = (r: typeof before) =>
      r.sent.filter((m) => m.template === 'first-purchase-thanks').map((m) => `${m.customerId} ${m.sentAt}`);
    expect(thanks(after).sort()).toEqual(thanks(before).sort());
  }, 120_000);

  it('a send step added raises the state transitions by exactly what the compiled ASL adds per execution', async () => {
    const extra = shipped.replace(
      '  - id: let-it-arrive',
      '  - id: and-a-welcome\n    type: send\n    channel: email\n    template: first-purchase-tips\n    topic: service\n  - id: let-it-arrive',
    );
    const asl = (yaml: string) => {
      const wf = workflowsWithJourney(yaml);
      try {
        return loadWorkflows(wf.dir).journeys.find((j) => j.journey.id === JOURNEY)!.asl;
      } finally {
        wf.cleanup();
      }
    };
    const addedPerExecution = walkExecution(asl(extra)).length - walkExecution(asl(shipped)).length;
    expect(addedPerExecution).toBeGreaterThan(0);

    const before = await run(shipped);
    const after = await run(extra);
    const executions = after.result.journeys.find((j) => j.journeyId === JOURNEY)!.started;
    expect(executions).toBe(24);
    expect(after.result.usage.stateTransitions - before.result.usage.stateTransitions).toBe(
      executions * addedPerExecution,
    );
    const stepFunctions = (r: SimulationResult) =>
      r.cost.lines.filter((l) => l.service === 'Step Functions').reduce((sum, l) => sum + l.usdPerMonth, 0);
    expect(stepFunctions(after.result)).toBeGreaterThan(stepFunctions(before.result));
  }, 120_000);
});

describe("the simulator runs a journey on an event of the project's own", () => {
  it('a generated population viewing products (customEvents in the model) enters browse-reminder and gets reminded', async () => {
    const scenarios = join(__dirname, '..', 'scenarios');
    const templates = join(scenarios, 'templates', 'browse-reminder');
    const others = readdirSync(join(WORKFLOWS_DIR, 'journeys'));
    const wf = workflowsWith({
      ...Object.fromEntries(others.map((f) => [`journeys/${f}`, null])),
      'journeys/browse-reminder.yaml': readFileSync(
        join(scenarios, 'journeys', 'browse-reminder.yaml'),
        'utf8',
      ),
      'templates/browse-reminder/en.yaml': readFileSync(join(templates, 'en.yaml'), 'utf8'),
      'templates/browse-reminder/zh-CN.yaml': readFileSync(join(templates, 'zh-CN.yaml'), 'utf8'),
    });
    try {
      const model = {
        customEvents: {
          'product-viewed': {
            perMonth: 2,
            properties: {
              productId: ['sku-881'],
              productName: ['Trail Runner 2'],
              category: ['shoes'],
              price: [499],
            },
          },
        },
      };
      const customEvents = loadWorkflows(wf.dir).settings!.customEvents;
      const population = [
        ...generatePopulation({ customers: 20, from: FROM, to: TO, seed: 5, model, customEvents }),
      ];
      const viewed = population.filter((e) => e.type === 'product-viewed').length;
      let sent: MessageRecord[] = [];
      const result = await simulate({
        workflowsDir: wf.dir,
        events: population,
        from: FROM,
        to: TO,
        sweepEveryMs: DAY,
        forecast: forecastCost,
        inspect: async ({ seen }) => void (sent = [...seen.sent]),
      });
      expect(result.events).toBe(population.length);
      const journey = result.journeys.find((j) => j.journeyId === 'browse-reminder')!;
      // Re-entry every 7 days: some views start nothing, and every view that starts one is a product-viewed.
      expect(journey.started).toBeGreaterThan(0);
      expect(journey.started).toBeLessThanOrEqual(viewed);
      expect(sent.filter((m) => m.template === 'browse-reminder').length).toBeGreaterThan(0);
    } finally {
      wf.cleanup();
    }
  }, 120_000);
});
