/**
 * The AWS prices the cost forecast (cost.ts) uses: on-demand, first pricing tier, one table per region.
 * Taken on PRICES_AS_OF from the public pricing pages cited beside each figure; AWS changes them, so a
 * new table (or a corrected figure) gets a new date. To add a region, add a `PriceList` to
 * `PRICES_BY_REGION`; `forecastCost(usage, { prices })` takes any of them, or one of your own.
 *
 * What the forecast leaves out, on purpose:
 * - Free tiers. They are per account, not per customer, so they would make the per-customer scaling
 *   non-linear, and on a real account other workloads use them up. For reference (us-east-1): Step
 *   Functions 4,000 state transitions/month (no expiry); Lambda 1M requests and 400,000 GB-seconds/month;
 *   EventBridge Scheduler 14M invocations/month; HTTP API 1M requests/month for the first 12 months.
 *   With them, a small population's bill is lower than forecast; at 1M customers they are noise.
 * - Volume tiers: Lambda's first tier ends at 7.5 billion arm64 GB-seconds a month, the HTTP API's at
 *   300 million requests; Rapport at 1M customers is orders of magnitude below both.
 * - Storage, logs, X-Ray, Secrets Manager, CloudWatch alarms and dashboards, data transfer: per
 *   deployment or per byte, not counted by the simulator.
 */

export const PRICES_AS_OF = '2026-12-02';

/** One region's on-demand prices, USD. Every figure is per one unit of what its name says. */
export interface PriceList {
  region: string;
  /** The day the figures were read off the pricing pages. */
  asOf: string;
  /** Step Functions standard workflows: per state transition (retries included). */
  stepFunctionsTransition: number;
  /** Lambda: per request, and per GB-second of duration on the architecture of domain/lambda-sizing.ts. */
  lambdaRequest: number;
  lambdaGbSecond: number;
  /** DynamoDB on-demand, Standard table class: per read request unit and per write request unit. */
  dynamodbReadRequestUnit: number;
  dynamodbWriteRequestUnit: number;
  /** EventBridge: per custom event put on a bus (each 64 KB chunk of a larger event counts as one). */
  eventBridgeCustomEvent: number;
  /** API Gateway HTTP API: per request (each 512 KB of a larger request counts as one). */
  httpApiRequest: number;
  /** EventBridge Scheduler: per invocation. */
  schedulerInvocation: number;
  /** SES: per email sent (attachments' bytes are billed besides; Rapport sends none). */
  sesEmail: number;
  /** SQS standard queues: per request (each 64 KB of a request's payload counts as one). */
  sqsRequest: number;
}

const PER_THOUSAND = 1 / 1_000;
const PER_MILLION = 1 / 1_000_000;

/** US East (N. Virginia). */
export const US_EAST_1: PriceList = {
  region: 'us-east-1',
  asOf: PRICES_AS_OF,
  // $0.025 per 1,000 state transitions: https://aws.amazon.com/step-functions/pricing/
  stepFunctionsTransition: 0.025 * PER_THOUSAND,
  // $0.20 per 1M requests; Arm $0.0000133334 per GB-second (first 7.5B GB-s/month):
  // https://aws.amazon.com/lambda/pricing/ (Arm figures as quoted by https://cloudchipr.com/blog/aws-lambda-pricing).
  // Since 2025-08-01 the INIT phase (cold start) of zip functions on managed runtimes is billed too:
  // https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/ — the measured
  // durations the simulator sums must include it for the forecast to include it.
  lambdaRequest: 0.2 * PER_MILLION,
  lambdaGbSecond: 0.0000133334,
  // On-demand throughput halved on 2024-11-01: $0.125 per million RRU, $0.625 per million WRU (it was
  // $0.25 and $1.25): https://aws.amazon.com/dynamodb/pricing/on-demand/ (figures as quoted by
  // https://airbyte.com/data-engineering-resources/dynamodb-pricing and
  // https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb).
  dynamodbReadRequestUnit: 0.125 * PER_MILLION,
  dynamodbWriteRequestUnit: 0.625 * PER_MILLION,
  // $1.00 per million custom events: https://aws.amazon.com/eventbridge/pricing/
  // (as quoted by https://cloudburn.io/blog/amazon-eventbridge-pricing, March 2026).
  eventBridgeCustomEvent: 1 * PER_MILLION,
  // $1.00 per million requests, first 300M/month: https://aws.amazon.com/api-gateway/pricing/
  // (as quoted by https://awsforengineers.com/blog/aws-api-gateway-pricing-explained).
  httpApiRequest: 1 * PER_MILLION,
  // $1.00 per million invocations after the free 14M: https://aws.amazon.com/eventbridge/pricing/
  // (as quoted by https://cloudburn.io/blog/amazon-eventbridge-pricing).
  schedulerInvocation: 1 * PER_MILLION,
  // $0.10 per 1,000 emails: https://aws.amazon.com/ses/pricing/
  // (as quoted by https://www.acecloudinterviews.com/tutorials/aws/ses/).
  sesEmail: 0.1 * PER_THOUSAND,
  // $0.40 per million requests, standard queues, after the free 1M a month:
  // https://aws.amazon.com/sqs/pricing/
  sqsRequest: 0.4 * PER_MILLION,
};

export const PRICES_BY_REGION: Readonly<Record<string, PriceList>> = { 'us-east-1': US_EAST_1 };

/**
 * USD per SMS part (segment: 160 GSM-7 or 70 UCS-2 characters), by destination country (ISO 3166 alpha-2),
 * `other` for every country not listed. SMS prices vary by country and by carrier within a country,
 * change often, and in the US add a carrier fee per part to AWS's own price; registration and number
 * leases are monthly, per deployment, and not included. Pass your own table (`smsPrices`) for the
 * countries you send to: https://aws.amazon.com/end-user-messaging/pricing/
 */
export type SmsPrices = Readonly<Record<string, number>> & { readonly other: number };

export const DEFAULT_SMS_PRICES: SmsPrices = {
  // AWS's US price per part (10DLC/toll-free) as last seen, $0.00581, not confirmed against the live page
  // here, plus a carrier fee: AT&T $0.0035, Verizon and T-Mobile $0.0045 per part
  // (https://help.textvolt.com/articles/7310656083-carrier-fee-snapshot-by-carrier-2026): ~$0.0042 mid-range.
  US: 0.00581 + 0.0042,
  // Approximate (not confirmed against the live page): check the pricing page for your traffic.
  CN: 0.025,
  GB: 0.04,
  // All networks, transactional and promotional alike, as read off the pricing page in May 2026:
  // https://dev.classmethod.jp/articles/aws-end-user-messaging-sms-japanese-message-parts-pricing/
  JP: 0.07451,
  // A cautious default for the rest of the world: most countries lie between $0.02 and $0.10 a part.
  other: 0.05,
};
