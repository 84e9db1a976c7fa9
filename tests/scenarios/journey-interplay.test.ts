import { scenarioTest } from './scenario';

scenarioTest('journey-interplay.yaml');
scenarioTest('journey-interplay-wait.yaml');
