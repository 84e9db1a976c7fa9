import type { CustomerStore } from '../../domain/ports';
import { type MemoryState, sortedKeys, stored } from './state';
import type { MessageOperations, JourneyOperations } from '../store-parts';

/** A customer's messages: each claimed once, settled by the claim that sent it. */
export function messageOperations(s: MemoryState): MessageOperations {
  return {
    getMessage: async (c, k) => s.readOne(s.customers.get(c)?.messages, k),
    claimMessage: async (r) => {
      const bytes = s.wrote(r);
      const messages = s.itemsOf(r.customerId).messages;
      const held = messages.get(r.messageKey);
      if (held && held.status !== 'deferred') return false;
      s.keep(messages, r.messageKey, r, bytes);
      return true;
    },
    updateMessage: async (r) => s.put(s.itemsOf(r.customerId).messages, r.messageKey, r),
    settleClaim: async (r, claimedAt) => {
      const bytes = s.wrote(r);
      const messages = s.customers.get(r.customerId)?.messages;
      const held = messages?.get(r.messageKey);
      if (!messages || held?.status !== 'sending' || held.claimedAt !== claimedAt) return false;
      s.keep(messages, r.messageKey, r, bytes);
      return true;
    },
    releaseMessage: async (c, k) => {
      s.wrote(undefined);
      const messages = s.customers.get(c)?.messages;
      if (messages?.get(k)?.status === 'sending') messages.delete(k);
    },
  };
}

/** A customer's journey entries and the awaits of their executions. */
export function journeyOperations(s: MemoryState): JourneyOperations {
  return {
    listAllJourneyEntries: async (c) => {
      const entries = s.customers.get(c)?.entries;
      return s.readAll(entries, sortedKeys(entries));
    },
    listJourneyEntries: async (c, j) => {
      // Sort-key order first, then by entry time (a stable sort), as the adapter's query and sort give.
      const entries = s.customers.get(c)?.entries;
      const keys = sortedKeys(entries, `${j}#`);
      keys.sort((a, b) => entries!.get(a)!.enteredAt.localeCompare(entries!.get(b)!.enteredAt));
      return s.readAll(entries, keys);
    },
    // Each item a write of its own, as DynamoDB bills a BatchWriteItem.
    putJourneyEntries: async (records, uses = []) => {
      for (const r of records) s.put(s.itemsOf(r.customerId).entries, `${r.journeyId}#${r.executionName}`, r);
      uses.forEach((use) => s.remember(use));
    },
    recordJourneyEnd: async ({ customerId, journeyId, executionName }, ended) => {
      const entries = s.customers.get(customerId)?.entries;
      const key = `${journeyId}#${executionName}`;
      const entry = entries?.get(key);
      if (!entries || !entry || entry.ended) {
        s.wrote(undefined);
        return false;
      }
      s.put(entries, key, { ...stored(entry), ended });
      return true;
    },
    putAwait: async (r) => s.put(s.itemsOf(r.customerId).awaits, r.awaitKey, r),
    listAwaits: async (c, e) => {
      const awaits = s.customers.get(c)?.awaits;
      return s.readAll(awaits, sortedKeys(awaits, `${e}#`));
    },
    deleteAwait: async (c, k) => {
      s.wrote(undefined);
      s.customers.get(c)?.awaits.delete(k);
    },
  };
}

type DecisionOperations = Pick<CustomerStore, 'recordDecision' | 'getDecision'>;

/** A customer's decisions (the first one recorded stands), each split's also told to the experiments. */
export function decisionOperations(s: MemoryState): DecisionOperations {
  return {
    recordDecision: async (r) => {
      const bytes = s.wrote(r);
      const decisions = s.itemsOf(r.customerId).decisions;
      if (!decisions.has(r.decisionKey)) {
        s.keep(decisions, r.decisionKey, r, bytes);
        s.experiments.exposed(r);
      }
      return stored(decisions.get(r.decisionKey)!);
    },
    getDecision: async (c, k) => s.readOne(s.customers.get(c)?.decisions, k),
  };
}
