import { scenarioTest } from './scenario';

scenarioTest('post-purchase-check-in.yaml');
