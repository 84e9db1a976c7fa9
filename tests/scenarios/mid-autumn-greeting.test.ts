import { expected, loadScenario, runScenario } from './scenario';

const scenario = loadScenario('mid-autumn-greeting.yaml');

test(
  scenario.title,
  async () => {
    expect(await runScenario(scenario)).toEqual(expected(scenario));
  },
  60_000,
);
