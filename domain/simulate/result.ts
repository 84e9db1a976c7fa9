/**
 * What a simulation produces (`npx rapport simulate`, issue 11): the shared contract between the engine
 * that runs a population through the lifecycle and journeys, the cost forecast, and the reports (terminal,
 * JSON, HTML). Plain data, JSON-serialisable; every count is over the whole simulated period unless said.
 */

/** What the simulated program used, counted as it ran: the input of the cost forecast. */
export interface Usage {
  /** Customers in the simulated population. */
  customers: number;
  /** Length of the simulated period, in days (a month is 30.4375 days in the forecast). */
  days: number;
  /** Step Functions standard-workflow state transitions: every state entered, every retry. */
  stateTransitions: number;
  /** The same, by journey and state: which states the bill is made of. */
  transitionsByState: Record<string, Record<string, number>>;
  /** Per Lambda function (as named in the CDK stack: ingest-event, send-message, journey-step, sweep, …). */
  lambda: Record<string, { requests: number; /** Sum of the measured durations, ms. */ durationMs: number }>;
  /**
   * DynamoDB on-demand request units, counted at the store adapter. `sweep…` are the part every sweep
   * costs however many customers there are (the coordinator's lease, one query a due shard): a cost per
   * deployment, not per customer. The other two include them.
   */
  dynamodb: {
    readRequestUnits: number;
    writeRequestUnits: number;
    sweepReadRequestUnits: number;
    sweepWriteRequestUnits: number;
  };
  /** Custom events put on EventBridge (stage and tier changes, journey tasks). */
  eventBridgeEvents: number;
  /** Requests to the HTTP API (events posted, unsubscribe and preference pages, survey answers). */
  httpApiRequests: number;
  /** EventBridge Scheduler invocations (the sweep). */
  schedulerInvocations: number;
  /**
   * SQS requests: each batch a queue's consumer is given costs its sends (ten messages a request), the
   * receive that fetched it and the delete that removed it (the sweep queue, and any other queue).
   */
  sqsRequests: number;
  /** Emails sent through SES. */
  sesEmails: number;
  /** SMS parts (segments) sent, by destination country (ISO 3166 alpha-2, or `other`). */
  smsParts: Record<string, number>;
}

/** One AWS service's share of the monthly bill. */
export interface CostLine {
  service: string;
  /** What is billed, e.g. "state transitions", "GB-seconds", "write request units". */
  item: string;
  /** Quantity per month for the simulated population. */
  quantityPerMonth: number;
  usdPerMonth: number;
  /** The same, scaled linearly to 1,000,000 customers. */
  usdPerMonthPerMillionCustomers: number;
}

export interface CostForecast {
  /** The date the price list was taken (domain/simulate/prices.ts), and its region. */
  pricesAsOf: string;
  region: string;
  lines: CostLine[];
  totalUsdPerMonth: number;
  totalUsdPerMonthPerMillionCustomers: number;
  /** The same totals without SES and SMS (what the infrastructure itself costs). */
  infraUsdPerMonth: number;
  infraUsdPerMonthPerMillionCustomers: number;
}

/** No bill at all: a part without customers until the parts are merged, or a run that prices nothing. */
export const NO_COST: CostForecast = Object.freeze({
  pricesAsOf: '',
  region: '',
  lines: [],
  totalUsdPerMonth: 0,
  totalUsdPerMonthPerMillionCustomers: 0,
  infraUsdPerMonth: 0,
  infraUsdPerMonthPerMillionCustomers: 0,
});

/** A week of the simulated period (weeks start on the period's first day, UTC). */
export interface WeekSummary {
  weekStart: string;
  /** Customers per lifecycle stage at the end of the week. */
  stages: Record<string, number>;
  /** Customers per tier at the end of the week. */
  tiers: Record<string, number>;
  /** Messages sent during the week, by journey, then by channel (`email`, `sms`). */
  messages: Record<string, Record<string, number>>;
}

/** One step of a journey, with what happened there over the period. */
export interface FunnelStep {
  stepId: string;
  type: string;
  /** Executions that entered the step. */
  entered: number;
  /** For a send step: messages sent, and skipped by reason. */
  sent?: number;
  skipped?: Record<string, number>;
}

export interface JourneySummary {
  journeyId: string;
  /** Executions started, and how they ended (or `running` at the end of the period). */
  started: number;
  outcomes: Record<string, number>;
  /**
   * Entries a goal event converted (their executions stopped), every one: a purchase that ends two
   * journeys counts for both. The total of goal events reaching the journey.
   */
  goalReached: number;
  /**
   * Of those, the conversions counted for this journey (`converted.attributed`, see the README's
   * attribution): a goal event counts once across journeys, as the console's conversions and the
   * GoalReached metric count it.
   */
  conversions: number;
  funnel: FunnelStep[];
}

/** A split or holdout arm with its conversions within the journey's goal window. */
export interface ArmResult {
  arm: string;
  holdout: boolean;
  customers: number;
  conversions: number;
  rate: number;
  /**
   * Rate difference against the holdout (or the first arm when there is none), with its 95% interval by
   * Newcombe's method (domain/experiments/stats.ts, as the console gives it).
   */
  lift?: { estimate: number; low: number; high: number };
}

export interface ExperimentResult {
  journeyId: string;
  stepId: string;
  arms: ArmResult[];
  /** `winner: <arm>`, `no difference yet`, or `not enough customers`. */
  verdict: string;
}

export interface SimulationResult {
  /** What was simulated: the workflows (folder or git ref), the population, the period. */
  label: string;
  period: { from: string; to: string };
  customers: number;
  events: number;
  weeks: WeekSummary[];
  /** Stage and tier of every customer at the end. */
  finalStages: Record<string, number>;
  finalTiers: Record<string, number>;
  journeys: JourneySummary[];
  /** Messages skipped over the period, by reason (consent, suppression, caps, quiet hours…). */
  skipped: Record<string, number>;
  experiments: ExperimentResult[];
  usage: Usage;
  cost: CostForecast;
}
