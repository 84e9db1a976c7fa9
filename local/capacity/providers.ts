import type { JourneyStarter, Mailer } from '../../domain/ports';
import type { VirtualClock } from './clock';
import { LATENCY_MS } from './latency';
import type { TokenBucket } from './token-bucket';

/** An error shaped as the AWS SDK throws a throttle: `name` and the HTTP status the handlers read. */
export function throttle(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

export interface MailerStats {
  accepted: number;
  throttled: number;
  /** Emails accepted more than once for the same customer and journey step: must stay 0. */
  duplicates: number;
  /** When each customer's step was accepted (virtual ms), keyed `customer/step`. */
  acceptedAt: Map<string, number>;
}

/** SES at its maximum send rate: a call over it is refused with `Throttling`, as SES answers. */
export function modelledMailer(
  clock: VirtualClock,
  rate: TokenBucket,
): { mailer: Mailer; stats: MailerStats } {
  const stats: MailerStats = { accepted: 0, throttled: 0, duplicates: 0, acceptedAt: new Map() };
  const mailer: Mailer = {
    async send(email) {
      await clock.sleep(LATENCY_MS.ses);
      if (!rate.take()) {
        stats.throttled++;
        throw throttle('Throttling', 'Maximum sending rate exceeded.');
      }
      const key = `${email.tags.customer}/${email.tags.step}`;
      if (stats.acceptedAt.has(key)) stats.duplicates++;
      else stats.acceptedAt.set(key, clock.now());
      stats.accepted++;
      return { messageId: `model-${stats.accepted}` };
    },
  };
  return { mailer, stats };
}

/**
 * StartExecution (and the other Step Functions calls) in virtual time: each takes LATENCY_MS.stepFunctions,
 * and a start over the token bucket is refused with `ThrottlingException`, as Step Functions answers.
 */
export function modelledStarter(
  clock: VirtualClock,
  inner: JourneyStarter,
  bucket: TokenBucket,
): JourneyStarter {
  return {
    executionArn: (request) => inner.executionArn(request),
    async start(request) {
      await clock.sleep(LATENCY_MS.stepFunctions);
      if (!bucket.take()) throw throttle('ThrottlingException', 'Rate exceeded');
      return inner.start(request);
    },
    async resume(token, output) {
      await clock.sleep(LATENCY_MS.stepFunctions);
      return inner.resume(token, output);
    },
    async stop(arn, reason) {
      await clock.sleep(LATENCY_MS.stepFunctions);
      return inner.stop(arn, reason);
    },
  };
}
