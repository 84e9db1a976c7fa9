import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RapportError } from '../../domain/errors';
import { LIFECYCLE_EVENT } from '../../domain/lifecycle/changes';
import type { LifecyclePublisher } from '../../domain/ports';

/** EventBridge accepted only some of the entries: the caller fails, and its retry publishes again. */
export class PublishFailedError extends RapportError {
  override readonly name: string = 'PublishFailedError';
}

/** PutEvents takes at most 10 entries a call. */
const BATCH = 10;

/** Announces stage and tier changes on the Rapport bus, for rules that route them to other systems. */
export function createLifecyclePublisher(
  events: EventBridgeClient,
  eventBusName: string,
): LifecyclePublisher {
  return {
    async publish(changes) {
      for (let i = 0; i < changes.length; i += BATCH) {
        const batch = changes.slice(i, i + BATCH);
        const out = await events.send(
          new PutEventsCommand({
            Entries: batch.map((change) => ({
              EventBusName: eventBusName,
              Source: LIFECYCLE_EVENT.source,
              DetailType: LIFECYCLE_EVENT.detailType[change.kind],
              Time: new Date(change.at),
              Resources: [],
              Detail: JSON.stringify(change),
            })),
          }),
        );
        if (out.FailedEntryCount) {
          const failed = (out.Entries ?? []).filter((e) => e.ErrorCode);
          throw new PublishFailedError(
            `EventBridge refused ${out.FailedEntryCount} of ${batch.length} lifecycle events: ${failed
              .map((e) => `${e.ErrorCode} ${e.ErrorMessage ?? ''}`.trim())
              .join('; ')}`,
          );
        }
      }
    },
  };
}
