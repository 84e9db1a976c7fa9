import { scenarioTest } from './scenario';

scenarioTest('spring-festival-greeting.yaml');
