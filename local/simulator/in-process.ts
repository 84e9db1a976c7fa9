import { executionArnFor, stateMachineArnOf } from '../../adapters/stepfunctions/journey-starter';
import { smsLength } from '../../domain/messages/sms';
import type { JourneyStarter, LifecyclePublisher, Mailer, SmsSender } from '../../domain/ports';
import type { LocalStepFunctions } from '../stepfunctions';

/**
 * The journey starter over the local Step Functions, called in process: what the AWS SDK starter does
 * over HTTP (adapters/stepfunctions/journey-starter.ts), with the same answers for the same errors.
 */
export function inProcessStarter(
  sfn: LocalStepFunctions,
  stateMachineArns: Record<string, string>,
): JourneyStarter {
  return {
    async start({ journeyId, executionName, input }) {
      const stateMachineArn = stateMachineArnOf(stateMachineArns, journeyId);
      try {
        const execution = await sfn.startExecution(stateMachineArn, executionName, JSON.stringify(input));
        return { executionArn: execution.executionArn, alreadyStarted: false };
      } catch (e) {
        if ((e as Error).name !== 'ExecutionAlreadyExists') throw e;
        return { executionArn: executionArnFor(stateMachineArn, executionName), alreadyStarted: true };
      }
    },
    async resume(taskToken, output) {
      try {
        sfn.completeTask(taskToken, { output });
        return 'resumed';
      } catch (e) {
        if (['TaskTimedOut', 'TaskDoesNotExist'].includes((e as Error).name)) return 'gone';
        throw e;
      }
    },
    async stop(executionArn) {
      try {
        await sfn.stopExecution(executionArn);
      } catch (e) {
        if ((e as Error).name !== 'ExecutionDoesNotExist') throw e;
      }
    },
  };
}

/** Providers that deliver nothing and count what they were given: emails, and SMS parts by country. */
export function countingProviders() {
  const counts = { emails: 0, smsParts: {} as Record<string, number>, changes: 0 };
  const mailer: Mailer = {
    send: async () => ({ messageId: `simulated-email-${++counts.emails}` }),
  };
  const sms: SmsSender = {
    send: async ({ to, body }) => {
      const country = countryOf(to);
      counts.smsParts[country] = (counts.smsParts[country] ?? 0) + smsLength(body).parts;
      return { messageId: `simulated-sms-${Object.values(counts.smsParts).reduce((a, b) => a + b, 0)}` };
    },
  };
  const publisher: LifecyclePublisher = {
    publish: async (changes) => void (counts.changes += changes.length),
  };
  return { counts, mailer, sms, publisher };
}

/** The destination country of an E.164 number, for SMS prices (which vary by country). */
function countryOf(e164: string): string {
  if (e164.startsWith('+1')) return 'US';
  if (e164.startsWith('+86')) return 'CN';
  if (e164.startsWith('+44')) return 'GB';
  return 'other';
}
