import { scenarioTest } from './scenario';

scenarioTest('journey-interplay.yaml');
