import { scenarioTest } from './scenario';

scenarioTest('loyal-appreciation.yaml');
