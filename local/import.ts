import { bulkLoadProfiles, isTableEmpty, recreateTable } from '../adapters/dynamodb/bulk-load';
import type { Workflows } from '../domain/config/load';
import { RapportError, ValidationError } from '../domain/errors';
import type { CustomerEvent } from '../domain/events/schema';
import { countsOf } from '../domain/lifecycle/counts';
import { importedProfile } from '../domain/lifecycle/imported';
import { Activity } from './activity';
import { Closers } from './closers';
import { replayLifecycle } from './replay';
import { journalTableOf, startStore } from './store';

/** The local store already holds data: an import would mix two populations. */
export class StoreNotEmptyError extends RapportError {
  override readonly name: string = 'StoreNotEmptyError';
  constructor(readonly dataDir: string) {
    super(`the local store in ${dataDir} already holds customers`);
  }
}

/** Events of the history that the lifecycle refused: nothing was written. */
export class ImportRejectedError extends ValidationError {
  override readonly name: string = 'ImportRejectedError';
}

export interface ImportOptions {
  /** The data folder `npm start` uses (dynalite's files in its `dynamodb/`). */
  dataDir: string;
  tableName?: string;
  workflows: Workflows;
  /** The history's events, in time order (readHistoryFile). */
  events: AsyncIterable<CustomerEvent> | Iterable<CustomerEvent>;
  source: string;
  asOf: Date;
  /** Clear the store (customers and executions) first, instead of refusing a store with data in it. */
  replace?: boolean;
  onProgress?: (done: { phase: 'replay' | 'write'; count: number; at?: string }) => void;
}

export interface ImportResult {
  customers: number;
  /** Events applied (purchases and profile updates). */
  events: number;
  purchases: number;
  /** Events after the as-of time: not imported. */
  leftOut: number;
  purchasesLeftOut: number;
  stageCounts: Record<string, number>;
  tierCounts: Record<string, number>;
  /** Items written to the store (the profiles). */
  itemsWritten: number;
  /** Customers whose next due time is set: the sweep after `asOf` takes them then. */
  due: number;
  /** The earliest of those due times. */
  nextDue: string | undefined;
  ms: { replay: number; write: number };
}

/**
 * Loads a history into the local store as of `asOf`: the lifecycle replayed in memory with no journeys
 * (local/replay.ts), then each profile scheduled for the runtime's journeys and written. Nothing is
 * written unless the data folder is free (no `npm start` on it), the store is empty (or `replace`), and
 * every event was accepted. No journey execution and no message is created: journeys start from `asOf`
 * on, as customers become due.
 */
export async function importHistory(options: ImportOptions): Promise<ImportResult> {
  const closers = new Closers();
  try {
    const tableName = options.tableName ?? 'rapport';
    const { dataDir } = options;
    const activity = new Activity();
    const store = await startStore({ dataDir, port: 0, host: '127.0.0.1', tableName }, activity, closers);
    if (!options.replace && !(await isTableEmpty(store.client, tableName)))
      throw new StoreNotEmptyError(dataDir);

    const { lifecycle, journeys, calendar, settings } = options.workflows;
    const started = performance.now();
    const replay = await replayLifecycle(options.events, {
      lifecycle,
      asOf: options.asOf.toISOString(),
      eventTimes: settings.events,
      customEvents: settings.customEvents,
      source: options.source,
      onProgress: ({ events, at }) => options.onProgress?.({ phase: 'replay', count: events, at }),
    });
    if (replay.rejected.length)
      throw new ImportRejectedError(`Events of ${options.source} refused`, replay.rejected);
    const deps = { lifecycle, journeys: journeys.map((j) => j.journey), calendar };
    const profiles = [...replay.store.profiles.values()].map((p) => importedProfile(p, deps, options.asOf));
    const replayed = performance.now();

    if (options.replace) await recreateTable(store.client, tableName, [journalTableOf(store)]);
    // Profiles only: an event's dedupe record is not needed for a history's events, as each profile
    // keeps its latest 50 event ids (RECENT_EVENT_IDS) and a redelivery of one of those changes nothing.
    // Writing them would write five times as many items (116,799 for CDNOW instead of 23,570).
    const itemsWritten = await bulkLoadProfiles(store.client, tableName, profiles, {
      onProgress: (count) => options.onProgress?.({ phase: 'write', count }),
    });
    const dueTimes = profiles.flatMap((p) => p.dueAt ?? []).sort();
    return {
      customers: profiles.length,
      events: replay.applied,
      purchases: replay.purchases,
      leftOut: replay.leftOut,
      purchasesLeftOut: replay.purchasesLeftOut,
      ...countsOf(profiles),
      itemsWritten,
      due: dueTimes.length,
      nextDue: dueTimes[0],
      ms: { replay: replayed - started, write: performance.now() - replayed },
    };
  } finally {
    await closers.closeAll();
  }
}
