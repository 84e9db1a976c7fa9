import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag pack infra/ is checked against. */
export const NAG_PACK = 'AwsSolutions';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct (and what it contains), with the reason
 * it is acceptable. `rule` is the finding as cdk-nag prints it: `SMG4`, `IAM5[Resource::*]`.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < 20)
    throw new Error(`acknowledging ${rule} on ${scope.node.path} needs a real reason`);
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${NAG_PACK}-${rule}`, reason });
}
