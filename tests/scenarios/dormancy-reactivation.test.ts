import { scenarioTest } from './scenario';

scenarioTest('dormancy-reactivation.yaml');
