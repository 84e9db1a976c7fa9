import { randomUUID } from 'node:crypto';
import type { Activity } from './activity';
import type { InProcessTransport } from './in-process-transport';
import { AwsJsonServer } from './aws-json-server';

/** The event bus's name, locally as on AWS. */
export const EVENT_BUS = 'rapport';

export interface LocalBusEvent {
  id: string;
  time: string;
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: unknown;
}

/** EventBridge's own limit on one event: larger ones are refused entry by entry. */
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * The Rapport event bus on this machine. It takes PutEvents from the real EventBridge SDK client (AWS JSON
 * 1.1, as the handlers send on AWS) and from the journeys' `events:putEvents` steps, keeps every event,
 * and lets the local runtime serve them over HTTP. There are no rules: on AWS, rules route the events to
 * other systems; here a person or a test reads them.
 */
export class LocalEventBus {
  readonly events: LocalBusEvent[] = [];
  private readonly server: AwsJsonServer;

  constructor(
    private readonly busName: string,
    private readonly now: () => Date,
    activity: Activity,
  ) {
    this.server = new AwsJsonServer(
      activity,
      '1.1',
      { 'AWSEvents.PutEvents': (input: { Entries?: PutEventsEntry[] }) => this.putEvents(input) },
      'the local event bus',
    );
  }

  putEvents(input: { Entries?: PutEventsEntry[] }): {
    Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
    FailedEntryCount: number;
  } {
    const results = (input.Entries ?? []).map((e) => {
      const detail = typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {});
      if (e.EventBusName !== undefined && e.EventBusName !== this.busName)
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `no event bus "${e.EventBusName}"` };
      if (!e.Source || !e.DetailType)
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source and DetailType are required' };
      if (Buffer.byteLength(detail) > MAX_ENTRY_BYTES)
        return { ErrorCode: 'ValidationException', ErrorMessage: 'entry larger than 256 KB' };
      const id = randomUUID();
      this.events.push({
        id,
        time: this.now().toISOString(),
        eventBusName: this.busName,
        source: e.Source,
        detailType: e.DetailType,
        detail: JSON.parse(detail) as Record<string, unknown>,
      });
      return { EventId: id };
    });
    return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
  }

  /** What the runtime's own SDK client sends its requests through (no socket). */
  get transport(): InProcessTransport {
    return this.server.transport;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
