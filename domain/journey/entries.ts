import type { CustomerStore, JourneyEntryRecord } from '../ports';

/**
 * One customer's journey entries as one ingest or sweep turn sees them: read once (one Query of every
 * journey's) when first asked for, served per journey, and kept up to date with the entries the turn
 * itself decides to write, so a second start of the same journey in one turn sees the first. An event
 * that converts and starts several journeys costs one read, not one per journey.
 */
export interface CustomerEntries {
  /** The entries into one journey, oldest first (as CustomerStore.listJourneyEntries gives them). */
  of(journeyId: string): Promise<JourneyEntryRecord[]>;
  /** An entry this turn writes (a new one, or one replaced under its execution name). */
  add(entry: JourneyEntryRecord): void;
}

export function customerEntries(store: CustomerStore, customerId: string): CustomerEntries {
  return entriesFrom(() => store.listAllJourneyEntries(customerId));
}

/** The entries of a customer the turn's own profile write created: none (entries come after the profile). */
export function noEntriesYet(): CustomerEntries {
  return entriesFrom(async () => []);
}

function entriesFrom(read: () => Promise<JourneyEntryRecord[]>): CustomerEntries {
  let all: Promise<JourneyEntryRecord[]> | undefined;
  const added: JourneyEntryRecord[] = [];
  return {
    async of(journeyId) {
      all ??= read();
      const mine = added.filter((e) => e.journeyId === journeyId);
      const names = new Set(mine.map((e) => e.executionName));
      // A stable sort of the sort-key order, as listJourneyEntries gives them.
      return [...(await all).filter((e) => e.journeyId === journeyId && !names.has(e.executionName)), ...mine]
        .sort((a, b) => bySortKey(a.executionName, b.executionName))
        .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));
    },
    add(entry) {
      const i = added.findIndex(
        (e) => e.executionName === entry.executionName && e.journeyId === entry.journeyId,
      );
      if (i >= 0) added.splice(i, 1);
      added.push(entry);
    },
  };
}

/** The order of the adapter's `JOURNEY#<journeyId>#<executionName>` sort keys within one journey. */
const bySortKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
