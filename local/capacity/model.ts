import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { memoryStore } from '../../adapters/memory/stores';
import type { LoadedJourney } from '../../domain/config/load';
import { AWS_QUOTAS, type Scale } from '../../domain/config/scale';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS } from '../../domain/journey/compile';
import type {
  CustomerStore,
  JourneyStarter,
  LifecyclePublisher,
  Mailer,
  SmsSender,
} from '../../domain/ports';
import { Activity } from '../activity';
import { NamesOnlyJournal } from '../execution-journal';
import { localLambdaArn, type LambdaHandler } from '../lambda';
import { inProcessStarter } from '../simulator/in-process';
import { LocalStepFunctions, localStateMachineArns } from '../stepfunctions';
import { VirtualClock } from './clock';
import { modelledStore, type DynamoStats } from './dynamo';
import { LambdaPool, type FunctionStats } from './lambda';
import { modelledMailer, modelledStarter, type MailerStats } from './providers';
import {
  EventSourceMapping,
  ModelQueue,
  type MappingSettings,
  type QueueSettings,
  type QueueStats,
} from './sqs';
import { LATENCY_MS } from './latency';
import { TokenBucket } from './token-bucket';

export type Quotas = {
  startExecution: { burst: number; perSecond: number };
  lambdaConcurrency: number;
  /** Concurrency AWS keeps unreserved (100; less in a model scaled down). */
  minUnreserved: number;
  dynamoPartition: { writeUnits: number; readUnits: number };
};

/** us-east-1's defaults, as the model runs them unless told otherwise. */
export const DEFAULT_QUOTAS: Quotas = {
  startExecution: AWS_QUOTAS.startExecution,
  lambdaConcurrency: AWS_QUOTAS.lambdaConcurrency,
  minUnreserved: 100,
  dynamoPartition: AWS_QUOTAS.dynamoPartition,
};

export interface ModelOptions {
  /** Virtual start time (ISO). */
  start: string;
  scale: Scale;
  /** AWS's quotas; us-east-1's defaults (AWS_QUOTAS) unless given. */
  quotas?: Partial<Quotas>;
  /** Reserved concurrency by function name (as the model's functions are named, e.g. `send-message`). */
  reserved?: Record<string, number>;
  /** SES's send rate as a share of `scale.emailsPerSecond` at a virtual time (1 by default). */
  sesRateAt?: (t: number) => number;
  /** The window peak rates are averaged over (ms): a second unless the model is scaled down. */
  rateWindowMs?: number;
}

/** What the real handlers are wired to in the model: the ports, each an AWS service in virtual time. */
export interface ModelPorts {
  store: CustomerStore;
  mailer: Mailer;
  sms: SmsSender;
  /** StartExecution and friends, over the model's Step Functions, through the StartExecution bucket. */
  starter: (stateMachineArns: Record<string, string>) => JourneyStarter;
  publisher: LifecyclePublisher;
  clock: VirtualClock['clock'];
}

export interface ExecutionTally {
  started: number;
  succeeded: number;
  failed: number;
  /** Executions whose history entered a send's `-deferred` state, and how many such rounds in all. */
  deferred: number;
  deferralRounds: number;
}

/**
 * The capacity model: AWS's quotas in virtual time, around the real handlers. It owns the clock, Lambda
 * concurrency, the StartExecution bucket, SES's rate, DynamoDB's partitions, the modelled SQS queues and
 * Step Functions running the real compiled ASL (aws-local-stepfunctions, as the simulator does). A
 * scenario builds handlers from `ports`, registers them as Step Functions tasks (`deployJourneys`) or
 * as queue consumers (`queue` + `consume`), drives its input, `run`s, and reads `figures()`.
 */
export class CapacityModel {
  readonly clock: VirtualClock;
  readonly lambda: LambdaPool;
  readonly memory: ReturnType<typeof memoryStore>;
  readonly ports: ModelPorts;
  readonly startBucket: TokenBucket;
  readonly sesBucket: TokenBucket;
  readonly stepFunctions: LocalStepFunctions;
  readonly executions: ExecutionTally = {
    started: 0,
    succeeded: 0,
    failed: 0,
    deferred: 0,
    deferralRounds: 0,
  };
  private readonly dynamo: DynamoStats;
  private readonly mail: MailerStats;
  private readonly queues: ModelQueue<unknown>[] = [];
  readonly publishedChanges: number[] = [0];

  private readonly stackTraceLimit = Error.stackTraceLimit;

  constructor(readonly options: ModelOptions) {
    // Throttles are thrown by the hundred thousand: their stack traces were a tenth of the model's time.
    Error.stackTraceLimit = 0;
    const quotas: Quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
    this.memory = memoryStore({ dueShards: options.scale.dueShards });
    this.clock = new VirtualClock(options.start);
    const now = () => this.clock.now();
    this.lambda = new LambdaPool(
      this.clock,
      quotas.lambdaConcurrency,
      options.reserved,
      quotas.minUnreserved,
    );
    const window = options.rateWindowMs ?? 1_000;
    this.startBucket = new TokenBucket(quotas.startExecution, now, () => 1, window);
    const ses = options.scale.emailsPerSecond;
    this.sesBucket = new TokenBucket({ burst: ses, perSecond: ses }, now, options.sesRateAt, window);
    const { store, stats } = modelledStore(this.memory, this.clock, {
      dueShards: options.scale.dueShards,
      partition: quotas.dynamoPartition,
    });
    this.dynamo = stats;
    const { mailer, stats: mail } = modelledMailer(this.clock, this.sesBucket);
    this.mail = mail;
    this.stepFunctions = new LocalStepFunctions(
      new Activity(),
      new NamesOnlyJournal(),
      () => new Date(now()),
      {
        onEnded: (e) => this.ended(e),
        forget: true,
      },
    );
    this.ports = {
      store,
      mailer,
      sms: { send: async () => Promise.reject(new Error('the capacity model sends no SMS yet')) },
      starter: (arns) =>
        modelledStarter(this.clock, inProcessStarter(this.stepFunctions, arns), this.startBucket),
      publisher: { publish: async (changes) => void (this.publishedChanges[0]! += changes.length) },
      clock: this.clock.clock,
    };
  }

  private ended(e: { status: string; statesEntered: { name: string }[] }): void {
    if (e.status === 'SUCCEEDED') this.executions.succeeded++;
    else this.executions.failed++;
    const rounds = e.statesEntered.filter((s) => s.name.endsWith('-deferred')).length;
    if (rounds > 0) this.executions.deferred++;
    this.executions.deferralRounds += rounds;
  }

  /** The state machine ARNs by journey id, as the model's Step Functions names them. */
  stateMachineArns(journeys: readonly LoadedJourney[]): Record<string, string> {
    return localStateMachineArns(journeys.map((j) => j.journey.id));
  }

  /**
   * Deploys the journeys' compiled ASL; their Tasks invoke `send-message` and `journey-step` through
   * Lambda's concurrency (a Task finding no free slot gets Lambda.TooManyRequestsException).
   */
  deployJourneys(
    journeys: readonly LoadedJourney[],
    handlers: { sendMessage: LambdaHandler<never, unknown>; journeyStep: LambdaHandler<never, unknown> },
  ): void {
    const send = localLambdaArn('send-message');
    const step = localLambdaArn('journey-step');
    this.stepFunctions.deploy(
      journeys,
      {
        [SUBSTITUTIONS.sendMessage]: send,
        [SUBSTITUTIONS.journeyStep]: step,
        [SUBSTITUTIONS.eventBus]: 'model',
      },
      {
        [send]: (input) => this.lambda.invoke('send-message', handlers.sendMessage, input as never),
        [step]: (input) => this.lambda.invoke('journey-step', handlers.journeyStep, input as never),
        // A `task` step's PutEvents: Step Functions calls EventBridge itself; the model only counts its time.
        [PUT_EVENTS_RESOURCE]: async () => {
          await this.clock.sleep(LATENCY_MS.eventBridge);
          return { FailedEntryCount: 0, Entries: [{ EventId: 'model' }] };
        },
      },
    );
  }

  /** A modelled SQS queue, for a producer's WorkQueue port. */
  queue<T>(name: string, settings: QueueSettings): ModelQueue<T> {
    const q = new ModelQueue<T>(name, this.clock, settings);
    this.queues.push(q as ModelQueue<unknown>);
    return q;
  }

  /** The queue's event source mapping onto function `fn` (its handler: the real consumer). */
  consume<T>(
    queue: ModelQueue<T>,
    fn: string,
    handler: LambdaHandler<SQSEvent, SQSBatchResponse | void>,
    mapping: MappingSettings,
  ): EventSourceMapping<T> {
    return new EventSourceMapping(queue, fn, handler, mapping, this.lambda, this.clock);
  }

  run(options: { until?: number; done?: () => boolean } = {}): Promise<void> {
    return this.clock.run(options);
  }

  figures(): Figures {
    return {
      virtualSeconds: (this.clock.now() - Date.parse(this.options.start)) / 1000,
      instants: this.clock.instants,
      executions: { ...this.executions },
      startExecution: {
        started: this.startBucket.taken,
        throttled: this.startBucket.throttled,
        peakPerSecond: this.startBucket.peakPerSecond,
        lastAt: this.startBucket.lastTakenAt,
      },
      ses: {
        accepted: this.mail.accepted,
        throttled: this.mail.throttled,
        duplicates: this.mail.duplicates,
        peakPerSecond: this.sesBucket.peakPerSecond,
      },
      lambda: Object.fromEntries(this.lambda.stats),
      dynamo: { ...this.dynamo },
      queues: Object.fromEntries(this.queues.map((q) => [q.name, { ...q.stats, depth: q.depth }])),
    };
  }

  /** When each customer's step was accepted by SES (virtual ms), keyed by SES tags `customer/step`. */
  get emailsAccepted(): ReadonlyMap<string, number> {
    return this.mail.acceptedAt;
  }

  async close(): Promise<void> {
    await this.stepFunctions.close();
    this.clock.uninstall();
    Error.stackTraceLimit = this.stackTraceLimit;
  }
}

export interface Figures {
  virtualSeconds: number;
  instants: number;
  executions: ExecutionTally;
  startExecution: { started: number; throttled: number; peakPerSecond: number; lastAt: number };
  ses: { accepted: number; throttled: number; duplicates: number; peakPerSecond: number };
  lambda: Record<string, FunctionStats>;
  dynamo: DynamoStats;
  queues: Record<string, QueueStats & { depth: number }>;
}
