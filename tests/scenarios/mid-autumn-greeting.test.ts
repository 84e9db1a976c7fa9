import { scenarioTest } from './scenario';

scenarioTest('mid-autumn-greeting.yaml');
