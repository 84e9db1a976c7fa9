import type { ControlGroup } from '../config/interplay';
import { inControlGroup } from '../control-group';
import { compareArms, type ArmStats } from '../experiments/stats';
import type { ConversionFacts } from './experiments';

/** The whole program against the global control group: who entered any journey, and who converted. */
export interface ProgramMeasure {
  group: ControlGroup;
  /** `control` (the holdout) and `everyone else`, with the lift of everyone else against control. */
  arms: ArmStats[];
}

/**
 * The program's measure: among customers who entered at least one journey (control customers enter as
 * everyone does), the share with at least one conversion (a journey's goal event in its window), in the
 * control group and outside it. Every converted entry counts here, attributed or not: a customer either
 * converted or did not. Undefined without a control group.
 */
export function programMeasure(
  entries: readonly Pick<ConversionFacts, 'customerId' | 'converted'>[],
  group: ControlGroup | undefined,
): ProgramMeasure | undefined {
  if (!group || group.percent <= 0) return undefined;
  const converted = new Map<string, boolean>();
  for (const e of entries)
    converted.set(e.customerId, (converted.get(e.customerId) ?? false) || e.converted !== undefined);
  const count = (control: boolean) => {
    const mine = [...converted].filter(([id]) => inControlGroup(id, group) === control);
    return { customers: mine.length, conversions: mine.filter(([, c]) => c).length };
  };
  const { arms } = compareArms([
    { arm: 'control', holdout: true, ...count(true) },
    { arm: 'everyone else', holdout: false, ...count(false) },
  ]);
  return { group, arms };
}
