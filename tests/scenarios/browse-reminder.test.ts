import { scenarioTest } from './scenario';

scenarioTest('browse-reminder.yaml');
