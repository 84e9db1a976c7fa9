import { Template } from 'aws-cdk-lib/assertions';
import { ROLE_ACTIONS_FILE, shippedStack, writeRoleActions } from './role-actions';

// `npm run role-actions`: writes tests/support/role-actions.json from a synth of the shipped stack.
writeRoleActions(Template.fromStack(shippedStack()));
console.log(`wrote ${ROLE_ACTIONS_FILE}`);
