import type { MessageRecord } from '../ports';
import { stepKey } from '../step-key';

/** Deterministic per execution and step: the same step of the same execution is one message, ever. */
export const messageKey = stepKey;

/** The fields a send task's input carries that a message record keeps as they are. */
export interface MessageOrigin {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  executionId: string;
  template: string;
  category: MessageRecord['category'];
  topic?: string | undefined;
  priority: NonNullable<MessageRecord['priority']>;
}

/**
 * The part of a message record that comes from the task input: shared by the send and by the failure
 * record, so a failure written before any send looks like the record that send would have claimed.
 */
export function messageRecordBase(
  input: MessageOrigin,
  fields: { messageKey: string; channel: MessageRecord['channel']; createdAt: string },
): Omit<MessageRecord, 'status'> {
  return {
    customerId: input.customerId,
    messageKey: fields.messageKey,
    journeyId: input.journeyId,
    journeyVersion: input.journeyVersion,
    stepId: input.stepId,
    executionId: input.executionId,
    channel: fields.channel,
    template: input.template,
    category: input.category,
    ...(input.topic ? { topic: input.topic } : {}),
    priority: input.priority,
    createdAt: fields.createdAt,
  };
}
