/** The table keys of each kind of item (the layout is described in customer-store.ts). */
export const keys = {
  profile: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' }),
  event: (customerId: string, eventId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `EVENT#${eventId}` }),
  message: (customerId: string, key: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `MESSAGE#${key}` }),
  decision: (customerId: string, key: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `DECISION#${key}` }),
  await: (customerId: string, key: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `AWAIT#${key}` }),
  pacing: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PACING' }),
  suppression: (key: string) => ({ pk: `SUPPRESSION#${key}`, sk: 'SUPPRESSION' }),
  address: (key: string, customerId: string) => ({ pk: `ADDRESS#${key}`, sk: `CUSTOMER#${customerId}` }),
  tombstone: (key: string) => ({ pk: `ERASED#${key}`, sk: 'ERASED' }),
  experiment: (journeyId: string, stepId: string) => ({
    pk: `EXPERIMENT#${journeyId}#${stepId}`,
    sk: 'VERDICT',
  }),
  experimentTally: (journeyId: string, stepId: string) => ({
    pk: `EXPERIMENT#${journeyId}#${stepId}`,
    sk: 'TALLY',
  }),
  journeyEntry: (customerId: string, journeyId: string, executionName: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `JOURNEY#${journeyId}#${executionName}`,
  }),
};
