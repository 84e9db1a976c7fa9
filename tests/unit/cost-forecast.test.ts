import { LAMBDA_MEMORY_MB } from '../../domain/lambda-sizing';
import { DAYS_PER_MONTH, forecastCost, InvalidUsageError } from '../../domain/simulate/cost';
import { DEFAULT_SMS_PRICES, PRICES_AS_OF, US_EAST_1 } from '../../domain/simulate/prices';
import type { CostForecast, Usage } from '../../domain/simulate/result';

const line = (forecast: CostForecast, service: string, item: string) => {
  const found = forecast.lines.find((l) => l.service === service && l.item === item);
  if (!found) throw new Error(`no line ${service} / ${item}`);
  return found;
};

// 1,000 customers over two months (2 × 30.4375 days): every figure below is per month, so half the count.
const twoMonths: Usage = {
  customers: 1_000,
  days: 2 * DAYS_PER_MONTH,
  stateTransitions: 200_000,
  transitionsByState: {},
  lambda: {
    'send-message': { requests: 20_000, durationMs: 4_000_000 },
    sweep: { requests: 1_461, durationMs: 1_461_000 },
  },
  // Of which the sweeps' own: 1,461 sweeps × 64 shard queries, and a lease taken and left each time.
  dynamodb: {
    readRequestUnits: 2_000_000,
    writeRequestUnits: 800_000,
    sweepReadRequestUnits: 93_504,
    sweepWriteRequestUnits: 2_922,
  },
  eventBridgeEvents: 10_000,
  httpApiRequests: 6_000,
  schedulerInvocations: 1_461,
  sqsRequests: 0,
  sesEmails: 20_000,
  smsParts: { US: 1_000, FR: 200 },
};

describe('forecastCost on a hand-made usage', () => {
  const forecast = forecastCost(twoMonths, { smsPrices: { US: 0.01, other: 0.05 } });

  it('prices every line per month by hand', () => {
    expect(LAMBDA_MEMORY_MB['send-message']).toBe(512); // 0.5 GB, the premise of the GB-second figures
    const expected: [string, string, number, number][] = [
      // 100,000 transitions × $0.025/1,000 = $2.50
      ['Step Functions', 'state transitions', 100_000, 2.5],
      // 10,000 requests × $0.20/1M = $0.002
      ['Lambda', 'send-message requests', 10_000, 0.002],
      // 2,000 s a month × 0.5 GB = 1,000 GB-s × $0.0000133334 = $0.0133334
      ['Lambda', 'send-message GB-seconds', 1_000, 0.0133334],
      // 730.5 requests × $0.20/1M = $0.0001461
      ['Lambda', 'sweep requests', 730.5, 0.0001461],
      // 730.5 s × 0.5 GB = 365.25 GB-s × $0.0000133334 = $0.00487002435
      ['Lambda', 'sweep GB-seconds', 365.25, 0.00487002435],
      // 1M RRU × $0.125/1M = $0.125 and 400,000 WRU × $0.625/1M = $0.25 in all, of which the sweeps'
      // 46,752 RRU ($0.005844) and 1,461 WRU ($0.000913125) are a line of their own each.
      ['DynamoDB', 'read request units', 953_248, 0.119156],
      ['DynamoDB', 'write request units', 398_539, 0.249086875],
      ['DynamoDB', 'sweep read request units', 46_752, 0.005844],
      ['DynamoDB', 'sweep write request units', 1_461, 0.000913125],
      // 5,000 events, 3,000 requests, 730.5 invocations at $1.00/1M each
      ['EventBridge', 'custom events', 5_000, 0.005],
      ['API Gateway', 'HTTP API requests', 3_000, 0.003],
      ['EventBridge Scheduler', 'invocations', 730.5, 0.0007305],
      // No queue in this usage: a line of nothing (priced in the test below).
      ['SQS', 'requests', 0, 0],
      // 10,000 emails × $0.10/1,000 = $1.00
      ['SES', 'emails', 10_000, 1],
      // 500 US parts × $0.01 = $5; 100 FR parts at the `other` price, × $0.05 = $5
      ['End User Messaging SMS', 'parts to US', 500, 5],
      ['End User Messaging SMS', 'parts to FR', 100, 5],
    ];
    expect(forecast.lines).toHaveLength(expected.length);
    for (const [service, item, quantity, usd] of expected) {
      expect(line(forecast, service, item).quantityPerMonth).toBeCloseTo(quantity, 6);
      expect(line(forecast, service, item).usdPerMonth).toBeCloseTo(usd, 9);
    }
  });

  it('totals with and without messaging, per month and per 1M customers', () => {
    // Infrastructure: 2.5 + 0.002 + 0.0133334 + 0.0001461 + 0.00487002435 + 0.125 + 0.25 + 0.005 + 0.003
    // + 0.0007305 = $2.90408002435; with SES ($1) and SMS ($10): $13.90408002435.
    expect(forecast.infraUsdPerMonth).toBeCloseTo(2.90408002435, 9);
    expect(forecast.totalUsdPerMonth).toBeCloseTo(13.90408002435, 9);
    // Per 1M customers (× 1,000), except the sweep's invocations, the schedule and the sweeps' own request
    // units, which a deployment pays once whatever its size ($0.007633725 in all):
    // (2.90408002435 − 0.007633725) × 1,000 + 0.007633725 = $2,896.453933075.
    expect(forecast.infraUsdPerMonthPerMillionCustomers).toBeCloseTo(2896.453933075, 6);
    expect(forecast.totalUsdPerMonthPerMillionCustomers).toBeCloseTo(2896.453933075 + 11_000, 6);
    expect(line(forecast, 'DynamoDB', 'sweep read request units').usdPerMonthPerMillionCustomers).toBeCloseTo(
      0.005844,
      9,
    );
    expect(line(forecast, 'EventBridge Scheduler', 'invocations').usdPerMonthPerMillionCustomers).toBeCloseTo(
      0.0007305,
      9,
    );
  });

  it('says which price list it used', () => {
    expect(forecast).toMatchObject({ pricesAsOf: PRICES_AS_OF, region: 'us-east-1' });
  });

  it('prices SQS requests (the sweep queue and any other) per million, growing with customers', () => {
    const queued = forecastCost({ ...twoMonths, sqsRequests: 2_000_000 });
    // 1M requests a month × $0.40/1M = $0.40, × 1,000 for 1M customers.
    expect(line(queued, 'SQS', 'requests').usdPerMonth).toBeCloseTo(0.4, 9);
    expect(line(queued, 'SQS', 'requests').usdPerMonthPerMillionCustomers).toBeCloseTo(400, 6);
  });

  it('prices SMS to a country not in the table at its `other` price', () => {
    const fr = line(forecastCost(twoMonths), 'End User Messaging SMS', 'parts to FR');
    expect(fr.usdPerMonth).toBeCloseTo(100 * DEFAULT_SMS_PRICES.other, 9);
  });
});

describe('forecastCost refuses a usage it cannot price', () => {
  it('lists every problem: no customers, no days, a negative count, a function the stack does not have', () => {
    const usage: Usage = {
      ...twoMonths,
      customers: 0,
      days: 0,
      stateTransitions: -1,
      lambda: { 'send-mesage': { requests: 1, durationMs: 1 } },
    };
    const thrown = (() => {
      try {
        return forecastCost(usage);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidUsageError);
    expect((thrown as InvalidUsageError).problems.map((p) => p.field)).toEqual([
      'customers',
      'days',
      'stateTransitions',
      'lambda.send-mesage',
    ]);
  });
});

/**
 * The hand estimate, reconciled: "for a CDNOW-shaped population … about $48 per 1M customers per
 * month, of which about $45 is Step Functions transitions". It gives no other figure, so the rest below
 * is our reading of "counted calls" for CDNOW's shape, per 1M customers per month: 69,659 purchases by
 * 23,570 customers over 18 months is 0.164 purchases per customer-month (164,000 events posted to the
 * API); $45 of transitions is 1.8M transitions. What is asserted is the forecast's arithmetic on it.
 */
const cdnowShapedPerMillion: Usage = {
  customers: 1_000_000,
  days: DAYS_PER_MONTH,
  stateTransitions: 1_800_000,
  transitionsByState: {},
  lambda: {
    'ingest-event': { requests: 164_000, durationMs: 164_000 * 100 },
    'send-message': { requests: 300_000, durationMs: 300_000 * 150 },
    'journey-step': { requests: 150_000, durationMs: 150_000 * 50 },
    sweep: { requests: 730, durationMs: 730 * 2_000 },
  },
  dynamodb: {
    readRequestUnits: 3_000_000,
    writeRequestUnits: 2_000_000,
    sweepReadRequestUnits: 0,
    sweepWriteRequestUnits: 0,
  },
  eventBridgeEvents: 200_000,
  httpApiRequests: 164_000,
  schedulerInvocations: 730,
  sqsRequests: 0,
  sesEmails: 300_000,
  smsParts: {},
};

describe("the issue's hand estimate (CDNOW-shaped, per 1M customers per month)", () => {
  const forecast = forecastCost(cdnowShapedPerMillion);

  it('gives $45.00 of transitions and $47.58 of infrastructure', () => {
    // 1.8M × $0.025/1,000 = $45.
    expect(line(forecast, 'Step Functions', 'state transitions').usdPerMonthPerMillionCustomers).toBeCloseTo(
      45,
      9,
    );
    // Lambda requests: 614,730 × $0.20/1M = $0.122946.
    // GB-seconds: (16,400 + 45,000 + 7,500 + 1,460) s × 0.5 GB = 35,180 × $0.0000133334 = $0.469069012.
    // DynamoDB: 3M × $0.125/1M + 2M × $0.625/1M = $0.375 + $1.25 = $1.625.
    // EventBridge $0.20, HTTP API $0.164, Scheduler $0.00073.
    // Infra: 45 + 0.122946 + 0.469069012 + 1.625 + 0.2 + 0.164 + 0.00073 = $47.581745012.
    expect(forecast.infraUsdPerMonthPerMillionCustomers).toBeCloseTo(47.581745012, 9);
    // SES: 300,000 × $0.10/1,000 = $30 on top.
    expect(forecast.totalUsdPerMonthPerMillionCustomers).toBeCloseTo(77.581745012, 9);
  });

  it('has DynamoDB at the prices since November 2024 (before: $0.25 and $1.25 per million, +$1.625)', () => {
    expect(US_EAST_1.dynamodbWriteRequestUnit * 1_000_000).toBeCloseTo(0.625, 9);
    expect(US_EAST_1.dynamodbReadRequestUnit * 1_000_000).toBeCloseTo(0.125, 9);
  });
});
