import { recoverStaleClaims, type RecoveryResult } from '../domain/recover';
import { createObservability } from '../functions/shared/observability';
import { logRecovery } from '../functions/sweep/handler';
import type { LocalDeployment } from './deployment';
import { logInterruptedSends, settleInterruptedSends } from './interrupted-sends';
import type { LocalStepFunctions, ResumeReport } from './stepfunctions';
import type { LocalStore } from './store';

/**
 * What start-up found left over from the last stop and finished, before the sweeper starts: printed by
 * `npm start` and served at /_local/executions.
 */
export interface StartupReport {
  /** Events a delivery claimed and never finished (a crash, kill -9): finished now, journeys started. */
  recoveredEvents: number;
  /** Such events whose recovery failed now: their claims are kept, and each sweep tries again. */
  failedRecoveries: number;
  /** Executions that were running at the last stop or crash, running again from where they waited. */
  resumedExecutions: number;
  /** Executions that could not be resumed (their ASL version is gone): marked failed, with the reason. */
  failedResumes: number;
  /**
   * Messages claimed for sending and never confirmed (the process died in between): now `in-doubt`,
   * never sent again, each logged with its message key so the provider's log can tell whether it went.
   */
  inDoubtMessages: number;
}

export interface Startup {
  report: StartupReport;
  /** Which events recovery finished or could not, by customer and event id. */
  recovery: RecoveryResult;
  /** Which executions were resumed, and from which checkpoint. */
  resumed: ResumeReport;
}

/**
 * Finishes what the last run left unfinished. The runtime calls it once the journeys are deployed with
 * their task handlers, and before the sweeper starts and the API serves its first request, so that
 * whatever it finishes meets no new work on the same customers. Executions resumed at start-up belong
 * here too, after the recovery (whose journey starts a resumed execution must not race).
 */
export async function recoverAtStart(
  deployment: LocalDeployment,
  stepFunctions: LocalStepFunctions,
  store: LocalStore,
): Promise<Startup> {
  // First, before anything can send again: every message left `sending` has a dead sender (this
  // runtime holds the data folder's lock), so it is in doubt, and a resumed step must find it so.
  const inDoubt = await settleInterruptedSends(store.client, store.tableName, store.dueShards);
  logInterruptedSends(inDoubt, createObservability());
  // Events a delivery claimed and then lost to a crash or kill -9 before the last stop: finished now,
  // all of them (this runtime holds the data folder's lock, so no claim there has a live holder).
  const recovery = await recoverStaleClaims(deployment.lifecycleDeps(), { everyClaim: true });
  logRecovery(recovery, createObservability());
  // Every journey that was running at the last stop or crash, from where it waited, on its own version.
  const resumed = await stepFunctions.resume();
  return {
    report: {
      recoveredEvents: recovery.recovered.length,
      failedRecoveries: recovery.failed.length,
      resumedExecutions: resumed.resumed.length,
      failedResumes: resumed.failed.length,
      inDoubtMessages: inDoubt.count,
    },
    recovery,
    resumed,
  };
}

/** The report in one line, as `npm start` prints it. */
export function describeStartup(report: StartupReport): string {
  const { recoveredEvents, failedRecoveries, resumedExecutions, failedResumes, inDoubtMessages } = report;
  const parts = [
    `${resumedExecutions} journey execution(s) resumed where they waited`,
    ...(failedResumes ? [`${failedResumes} could not be resumed (see the log)`] : []),
    `${recoveredEvents} event(s) accepted but left unfinished were finished`,
    ...(failedRecoveries
      ? [`${failedRecoveries} could not be, and each sweep tries again (see the log)`]
      : []),
    `${inDoubtMessages} message(s) left in doubt by the last stop (never sent again; see the log)`,
  ];
  return `At start-up: ${parts.join('; ')}.`;
}
