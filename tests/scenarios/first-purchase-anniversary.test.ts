import { scenarioTest } from './scenario';

scenarioTest('first-purchase-anniversary.yaml');
