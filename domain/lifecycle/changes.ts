import type { LifecycleChange } from '../ports';
import type { StageChange } from '../profile/profile';

/** How a stage or tier change appears on the event bus (source and detail-type are what rules match). */
export const LIFECYCLE_EVENT = {
  source: 'rapport.lifecycle',
  detailType: { stage: 'Rapport Stage Changed', tier: 'Rapport Tier Changed' },
} as const;

/** The changes to announce, each with an id that is the same however often it is computed. */
export function lifecycleChanges(
  customerId: string,
  changes: { stageChanges: readonly StageChange[]; tierChanges: readonly StageChange[] },
): LifecycleChange[] {
  const of = (kind: LifecycleChange['kind'], c: StageChange): LifecycleChange => ({
    id: `${customerId}:${kind}:${c.to}:${c.at}`,
    customerId,
    kind,
    from: c.from,
    to: c.to,
    at: c.at,
    cause: c.cause,
  });
  return [
    ...changes.stageChanges.map((c) => of('stage', c)),
    ...changes.tierChanges.map((c) => of('tier', c)),
  ];
}
