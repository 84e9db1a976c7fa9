import { scenarioTest } from './scenario';

scenarioTest('first-small-purchase.yaml');
