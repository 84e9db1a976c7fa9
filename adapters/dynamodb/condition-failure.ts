import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Whether a write failed its condition (by class, or by name when the error crossed a client boundary). */
export const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException';
