/** Customers per lifecycle stage and per tier: a replay's, an import's and a simulated week's figures. */
export function countsOf(profiles: Iterable<{ stage: string; tier: string }>) {
  const stageCounts: Record<string, number> = {};
  const tierCounts: Record<string, number> = {};
  for (const p of profiles) {
    stageCounts[p.stage] = (stageCounts[p.stage] ?? 0) + 1;
    tierCounts[p.tier] = (tierCounts[p.tier] ?? 0) + 1;
  }
  return { stageCounts, tierCounts };
}
