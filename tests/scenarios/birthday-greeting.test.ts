import { scenarioTest } from './scenario';

scenarioTest('birthday-greeting.yaml');
