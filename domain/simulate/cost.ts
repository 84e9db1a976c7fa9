import { type Problem, ValidationError } from '../errors';
import { LAMBDA_MEMORY_MB } from '../lambda-sizing';
import { DEFAULT_SMS_PRICES, type PriceList, type SmsPrices, US_EAST_1 } from './prices';
import type { CostForecast, CostLine, Usage } from './result';

/** A month in the forecast: the average Gregorian month (365.25 / 12 days). */
export const DAYS_PER_MONTH = 30.4375;
const MILLION = 1_000_000;

/** The services whose fees are for messages delivered, not for the infrastructure (kept out of `infra…`). */
export const MESSAGING_SERVICES: readonly string[] = ['SES', 'End User Messaging SMS'];

export class InvalidUsageError extends ValidationError {
  override readonly name: string = 'InvalidUsageError';
}

export interface ForecastOptions {
  /** The region's price list (prices.ts); us-east-1 by default. */
  prices?: PriceList;
  /** USD per SMS part by destination country, `other` for the rest; DEFAULT_SMS_PRICES by default. */
  smsPrices?: SmsPrices;
}

/** A line before it is priced per month: what it counts over the period, and whether it grows with customers. */
interface Item {
  service: string;
  item: string;
  quantity: number;
  unitPrice: number;
  /** False for what a deployment pays whatever its size: the sweep fires on the clock, not per customer. */
  perCustomer: boolean;
}

/**
 * The monthly AWS bill for what a simulation used, by service and item, and scaled linearly to 1M
 * customers. No free tier is deducted and only the first volume tier is priced (prices.ts says why).
 * The sweep's schedule and its invocations are per deployment: they are not multiplied with customers
 * (the sweep's duration is, as its work grows with the population). Lambda duration is the measured
 * total: AWS rounds each invocation up to the millisecond, which this cannot see.
 * Throws InvalidUsageError listing every problem with the usage given.
 */
export function forecastCost(usage: Usage, options: ForecastOptions = {}): CostForecast {
  const prices = options.prices ?? US_EAST_1;
  const smsPrices = options.smsPrices ?? DEFAULT_SMS_PRICES;
  const problems = usageProblems(usage);
  if (problems.length) throw new InvalidUsageError('cannot forecast the cost of this usage', problems);

  const months = usage.days / DAYS_PER_MONTH;
  const perMillion = MILLION / usage.customers;
  const lines: CostLine[] = itemsOf(usage, prices, smsPrices).map((i) => {
    const quantityPerMonth = i.quantity / months;
    const usdPerMonth = quantityPerMonth * i.unitPrice;
    return {
      service: i.service,
      item: i.item,
      quantityPerMonth,
      usdPerMonth,
      usdPerMonthPerMillionCustomers: i.perCustomer ? usdPerMonth * perMillion : usdPerMonth,
    };
  });
  const infra = lines.filter((l) => !MESSAGING_SERVICES.includes(l.service));
  return {
    pricesAsOf: prices.asOf,
    region: prices.region,
    lines,
    totalUsdPerMonth: sum(lines, 'usdPerMonth'),
    totalUsdPerMonthPerMillionCustomers: sum(lines, 'usdPerMonthPerMillionCustomers'),
    infraUsdPerMonth: sum(infra, 'usdPerMonth'),
    infraUsdPerMonthPerMillionCustomers: sum(infra, 'usdPerMonthPerMillionCustomers'),
  };
}

function itemsOf(usage: Usage, prices: PriceList, smsPrices: SmsPrices): Item[] {
  const item = (service: string, what: string, quantity: number, unitPrice: number, perCustomer = true) => ({
    service,
    item: what,
    quantity,
    unitPrice,
    perCustomer,
  });
  const lambda = Object.entries(usage.lambda).flatMap(([name, { requests, durationMs }]) => {
    const gb = memoryMb(name)! / 1024;
    return [
      // The sweep is invoked by the schedule, once per interval, however many customers there are.
      item('Lambda', `${name} requests`, requests, prices.lambdaRequest, name !== 'sweep'),
      item('Lambda', `${name} GB-seconds`, (durationMs / 1000) * gb, prices.lambdaGbSecond),
    ];
  });
  const sms = Object.entries(usage.smsParts).map(([country, parts]) =>
    item('End User Messaging SMS', `parts to ${country}`, parts, smsPrices[country] ?? smsPrices.other),
  );
  return [
    item('Step Functions', 'state transitions', usage.stateTransitions, prices.stepFunctionsTransition),
    ...lambda,
    ...dynamodbItems(usage.dynamodb, prices, item),
    item('EventBridge', 'custom events', usage.eventBridgeEvents, prices.eventBridgeCustomEvent),
    item('API Gateway', 'HTTP API requests', usage.httpApiRequests, prices.httpApiRequest),
    item(
      'EventBridge Scheduler',
      'invocations',
      usage.schedulerInvocations,
      prices.schedulerInvocation,
      false,
    ),
    item('SQS', 'requests', usage.sqsRequests, prices.sqsRequest),
    item('SES', 'emails', usage.sesEmails, prices.sesEmail),
    ...sms,
  ];
}

/** Request units split into what grows with customers and what every sweep costs regardless (per deployment). */
function dynamodbItems(
  units: Usage['dynamodb'],
  prices: PriceList,
  item: (service: string, what: string, quantity: number, unitPrice: number, perCustomer?: boolean) => Item,
): Item[] {
  const { readRequestUnits: read, writeRequestUnits: write } = units;
  const { sweepReadRequestUnits: sweepRead, sweepWriteRequestUnits: sweepWrite } = units;
  return [
    item('DynamoDB', 'read request units', read - sweepRead, prices.dynamodbReadRequestUnit),
    item('DynamoDB', 'write request units', write - sweepWrite, prices.dynamodbWriteRequestUnit),
    item('DynamoDB', 'sweep read request units', sweepRead, prices.dynamodbReadRequestUnit, false),
    item('DynamoDB', 'sweep write request units', sweepWrite, prices.dynamodbWriteRequestUnit, false),
  ];
}

function memoryMb(name: string): number | undefined {
  return Object.hasOwn(LAMBDA_MEMORY_MB, name)
    ? LAMBDA_MEMORY_MB[name as keyof typeof LAMBDA_MEMORY_MB]
    : undefined;
}

function usageProblems(usage: Usage): Problem[] {
  const problems: Problem[] = [];
  const count = (field: string, value: number, expected = 'a count: a finite number, 0 or more') => {
    if (!Number.isFinite(value) || value < 0) problems.push({ source: 'usage', field, value, expected });
  };
  const positive = (field: string, value: number) => {
    if (!Number.isFinite(value) || value <= 0)
      problems.push({
        source: 'usage',
        field,
        value,
        expected: 'a number above 0 (nothing to scale from otherwise)',
      });
  };
  positive('customers', usage.customers);
  positive('days', usage.days);
  count('stateTransitions', usage.stateTransitions);
  for (const [name, { requests, durationMs }] of Object.entries(usage.lambda)) {
    if (memoryMb(name) === undefined)
      problems.push({
        source: 'usage',
        field: `lambda.${name}`,
        value: name,
        expected: `one of the functions sized in domain/lambda-sizing.ts: ${Object.keys(LAMBDA_MEMORY_MB).join(', ')}`,
      });
    count(`lambda.${name}.requests`, requests);
    count(`lambda.${name}.durationMs`, durationMs);
  }
  count('dynamodb.readRequestUnits', usage.dynamodb.readRequestUnits);
  count('dynamodb.writeRequestUnits', usage.dynamodb.writeRequestUnits);
  count('dynamodb.sweepReadRequestUnits', usage.dynamodb.sweepReadRequestUnits);
  count('dynamodb.sweepWriteRequestUnits', usage.dynamodb.sweepWriteRequestUnits);
  count('eventBridgeEvents', usage.eventBridgeEvents);
  count('httpApiRequests', usage.httpApiRequests);
  count('schedulerInvocations', usage.schedulerInvocations);
  count('sqsRequests', usage.sqsRequests);
  count('sesEmails', usage.sesEmails);
  for (const [country, parts] of Object.entries(usage.smsParts)) count(`smsParts.${country}`, parts);
  return problems;
}

function sum(lines: readonly CostLine[], key: 'usdPerMonth' | 'usdPerMonthPerMillionCustomers'): number {
  return lines.reduce((total, line) => total + line[key], 0);
}
