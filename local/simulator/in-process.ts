import { journeyStarterOver } from '../../adapters/stepfunctions/journey-starter';
import { smsLength } from '../../domain/messages/sms';
import type { JourneyStarter, LifecyclePublisher, Mailer, SmsSender } from '../../domain/ports';
import type { LocalStepFunctions } from '../stepfunctions';

/** The journey starter over the local Step Functions, called in process (no SDK, no HTTP). */
export function inProcessStarter(
  sfn: LocalStepFunctions,
  stateMachineArns: Record<string, string>,
): JourneyStarter {
  return journeyStarterOver(
    {
      startExecution: async (arn, name, input) => (await sfn.startExecution(arn, name, input)).executionArn,
      sendTaskSuccess: async (token, output) => sfn.completeTask(token, { output: JSON.parse(output) }),
      stopExecution: async (executionArn) => void (await sfn.stopExecution(executionArn)),
    },
    stateMachineArns,
  );
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
