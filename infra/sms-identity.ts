import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { InvalidSettingError } from './names';

// What SendTextMessage's OriginationIdentity takes and IAM can name: an ARN, a phone number or pool id, or
// a sender id. A bare phone number (+15555550100) cannot be scoped: IAM names numbers by their id.
const ARN = /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool|sender-id)\/[A-Za-z0-9_/-]+$/;
const NUMBER_OR_POOL_ID = /^(phone|pool)-[0-9a-f]{32}$/;
const SENDER_ID = /^[A-Za-z0-9-]{1,11}$/;

/**
 * Checks context smsOriginationIdentity: what send-message sends its texts from (SMS_ORIGINATION_IDENTITY),
 * and what its IAM grant is scoped to.
 */
export function checkOriginationIdentity(value: unknown, setting: string): string {
  if (
    typeof value === 'string' &&
    (ARN.test(value) ||
      NUMBER_OR_POOL_ID.test(value) ||
      (SENDER_ID.test(value) && !/^(phone|pool)-/.test(value)))
  )
    return value;
  throw new InvalidSettingError(
    `context ${setting}: got ${JSON.stringify(value)}; expected the End User Messaging phone number, pool or ` +
      'sender id to send texts from: its ARN, its id (phone-…, pool-…) or the sender id itself ' +
      '(a bare phone number cannot be used: the IAM grant names numbers by id; ' +
      'aws pinpoint-sms-voice-v2 describe-phone-numbers lists them)',
  );
}

/** The IAM resource of an origination identity (checkOriginationIdentity), in `scope`'s account and region. */
export function originationIdentityArn(scope: IConstruct, identity: string): string {
  if (identity.startsWith('arn:')) return identity;
  const arn = (resource: string, name: string) =>
    Stack.of(scope).formatArn({ service: 'sms-voice', resource, resourceName: name });
  if (identity.startsWith('phone-')) return arn('phone-number', identity);
  if (identity.startsWith('pool-')) return arn('pool', identity);
  // A sender id's ARN ends with the country it is registered in: any of them.
  return arn('sender-id', `${identity}/*`);
}
