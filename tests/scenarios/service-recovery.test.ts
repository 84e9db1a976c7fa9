import { scenarioTest } from './scenario';

scenarioTest('service-recovery.yaml');
