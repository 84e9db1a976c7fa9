import { expected, normalised, type Scenario, type ScenarioOutcome } from '../scenarios/scenario';

const message = (template: string, at: string, customer = 'li') => ({
  customer,
  template,
  locale: 'en',
  channel: 'email' as const,
  at,
});
const outcome = (messages: ScenarioOutcome['messages']): ScenarioOutcome => ({
  messages,
  delivered: {},
  tasks: [],
  stages: {},
  tiers: {},
  conversions: [],
  tags: {},
});
const NINE = '2026-11-22T01:00:00.000Z';
const TEN = '2026-11-22T02:00:00.000Z';

describe('scenario comparison', () => {
  it('accepts messages at one instant in either order', () => {
    const stored = outcome([message('welcome', NINE), message('survey', NINE), message('offer', TEN)]);
    const written = outcome([message('survey', NINE), message('welcome', NINE), message('offer', TEN)]);
    expect(normalised(stored)).toEqual(normalised(written));
    expect(normalised(written)).toEqual(normalised(stored));
  });

  it('accepts it from a scenario file too, whatever order the file lists them in', () => {
    const scenario = {
      customers: { li: {} },
      expect: {
        messages: [message('survey', '2026-11-22T09:00:00+08:00'), message('welcome', NINE)],
        tasks: [],
        stages: {},
        tiers: {},
        conversions: [],
        tags: {},
      },
    } as unknown as Scenario;
    const stored = normalised(outcome([message('welcome', NINE), message('survey', NINE)]));
    expect(expected(scenario)).toEqual({ ...stored, delivered: { li: { email: 2, sms: 0 } } });
  });

  it('still refuses messages in the wrong order across instants', () => {
    const stored = outcome([message('welcome', NINE), message('offer', TEN)]);
    const swapped = outcome([message('offer', NINE), message('welcome', TEN)]);
    expect(normalised(stored)).not.toEqual(normalised(swapped));
  });

  it('still refuses a message missing or doubled at an instant', () => {
    const stored = outcome([message('welcome', NINE), message('welcome', NINE)]);
    const once = outcome([message('welcome', NINE), message('survey', NINE)]);
    expect(normalised(stored)).not.toEqual(normalised(once));
  });
});
