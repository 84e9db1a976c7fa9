import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type CfnStage,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { EventBus, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Scale } from '../domain/config/scale';
import { LIFECYCLE_EVENT } from '../domain/lifecycle/changes';
import { HTTP_ROUTES, type FunctionName, type HttpRoute as RouteSpec } from '../functions/routes';
import { deadLetterQueue } from './dead-letter-queue';
import type { HandlerFunction } from './handler-function';
import { pascalCase } from './names';
import { acknowledgeNag } from './nag';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { workQueue } from './work-queue';
import { FUNCTION_TIMEOUT_SECONDS } from './work-settings';

export interface EventsApiProps {
  functions: FunctionSettings;
  apiName: string;
  eventBusName: string;
  /** Events with this source on the bus go to ingest. */
  eventSource: string;
  linkSigningSecret: ISecret;
  /** See journeys.ts: the functions that start journeys find them by name under this prefix. */
  stateMachineArnPrefix: string;
  /** Where ingest-event and feedback put the journey starts they decide (journey-starts.ts). */
  startQueue: IQueue;
  /** Minutes between sweeps: the due times they compute spread occasions over whole sweeps. */
  sweepEveryMinutes: number;
}

/** A route's throttle (requests a second, steady and burst), from the scale settings. */
export function routeThrottle(route: Pick<RouteSpec, 'auth'>, scale: Scale): { rate: number; burst: number } {
  // Signed routes are systems sending events (and erasures); unsigned ones are links in emails, clicked by
  // people: after a large campaign they come in bursts too, but far fewer than events.
  const rate = route.auth === 'iam' ? scale.eventsApiPerSecond : scale.linksApiPerSecond;
  return { rate, burst: 2 * rate };
}

/**
 * Events in: the `rapport` bus and its rule, the HTTP API (POST /events, erasure, and the public link routes
 * of emails: unsubscribe, preferences, survey answers), and the functions behind them.
 */
export class EventsApi extends StackPart {
  readonly eventBus: EventBus;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Events EventBridge could not put on the ingest queue (and, from before it, events not ingested). */
  readonly ingestDeadLetters: Queue;
  /** Events accepted by POST /events and from the bus, waiting for ingest-event. */
  readonly ingestQueue: Queue;
  /** Events ingest-event failed on, after the queue's receives: `npx rapport redrive ingest`. */
  readonly ingestQueueDeadLetters: Queue;
  readonly acceptEvent: HandlerFunction;
  readonly ingestEvent: HandlerFunction;
  readonly unsubscribe: HandlerFunction;
  readonly feedback: HandlerFunction;

  constructor(scope: Construct, id: string, props: EventsApiProps) {
    super(scope, id);
    const settings = props.functions;
    // Systems publish their events here instead of calling the API (source rapport.events); journeys their
    // task steps' requests for a person (source rapport.journeys), which operators route to a CRM or
    // ticketing; and the lifecycle its stage and tier changes (source rapport.lifecycle).
    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: props.eventBusName });
    // Events EventBridge could not put on the ingest queue after its retries. The queue is the one ingest
    // dead-lettered to before the ingest queue existed: kept, so nothing it holds is lost.
    this.ingestDeadLetters = deadLetterQueue(this, 'IngestDeadLetters');
    acknowledgeNag(
      this.ingestDeadLetters,
      'SQS3',
      'It is a dead-letter queue: the ingest rule target dead-letters to it (EventBridge DeadLetterConfig), ' +
        'which cdk-nag does not recognise as it does an SQS redrive policy or a Lambda DLQ.',
    );

    // The default stage is created here rather than by HttpApi so that it can carry throttling and access logs.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      description: 'Rapport: POST /events (SigV4), GET|POST /unsubscribe (links in emails)',
      createDefaultStage: false,
    });
    this.stage = this.defaultStage(settings);

    // What both ways a customer moves along the lifecycle need: they decide journey starts (queued),
    // resume and stop journeys, and announce changes.
    const lifecycleEnvironment = {
      STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      START_QUEUE_URL: props.startQueue.queueUrl,
      SWEEP_EVERY_MINUTES: String(props.sweepEveryMinutes),
    };
    const secret = { LINK_SIGNING_SECRET_ARN: props.linkSigningSecret.secretArn };
    ({
      ingestEvent: this.ingestEvent,
      ingestQueue: this.ingestQueue,
      ingestQueueDeadLetters: this.ingestQueueDeadLetters,
      acceptEvent: this.acceptEvent,
    } = this.ingestPath(settings, lifecycleEnvironment));
    this.unsubscribe = rapportFunction(this, 'Unsubscribe', settings, {
      name: 'unsubscribe',
      timeout: Duration.seconds(15),
      environment: secret,
    });
    // The score links of survey emails: a public route, like unsubscribe; it ingests feedback events.
    this.feedback = rapportFunction(this, 'Feedback', settings, {
      name: 'feedback',
      timeout: Duration.seconds(15),
      environment: { ...lifecycleEnvironment, ...secret },
    });
    for (const f of [this.ingestEvent, this.feedback]) {
      grantLifecycleAnnouncements(this.eventBus, f.fn);
      props.startQueue.grantSendMessages(f.fn);
    }
    this.grantSentiment([this.ingestEvent, this.feedback]);
    props.linkSigningSecret.grantRead(this.unsubscribe.fn);
    props.linkSigningSecret.grantRead(this.feedback.fn);

    this.addRoutes(settings.scale);

    this.ingestRule(props.eventSource);
  }

  /**
   * POST /events → accept-event (validated, then queued) → the ingest queue → ingest-event, at most
   * scale.ingestConcurrency at once: a burst of events becomes a backlog, not a burst of Lambdas.
   */
  private ingestPath(settings: FunctionSettings, environment: Record<string, string>) {
    const ingestEvent = rapportFunction(this, 'IngestEvent', settings, {
      name: 'ingest-event',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['ingest-event']),
      environment,
    });
    const { queue, deadLetters } = workQueue(this, 'IngestQueue', {
      name: 'ingest',
      consumer: ingestEvent,
      maxConcurrency: settings.scale.ingestConcurrency,
    });
    const acceptEvent = rapportFunction(this, 'AcceptEvent', settings, {
      name: 'accept-event',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['accept-event']),
      environment: { INGEST_QUEUE_URL: queue.queueUrl },
    });
    queue.grantSendMessages(acceptEvent.fn);
    return { ingestEvent, ingestQueue: queue, ingestQueueDeadLetters: deadLetters, acceptEvent };
  }

  /**
   * Only rapport.events reaches the ingest queue: the journeys' own task events (rapport.journeys),
   * published on the same bus, must never loop back in as customer events. The whole event is the
   * message (ingest-event reads its detail).
   */
  private ingestRule(eventSource: string): void {
    new Rule(this, 'IngestRule', {
      eventBus: this.eventBus,
      description: `Every event from ${eventSource} goes to the ingest queue`,
      eventPattern: { source: [eventSource] },
      targets: [
        new SqsQueue(this.ingestQueue, {
          deadLetterQueue: this.ingestDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }

  private defaultStage(settings: FunctionSettings): HttpStage {
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Any route without its own throttle (see addRoutes) gets the public routes' limit.
    const fallback = routeThrottle({ auth: 'none' }, settings.scale);
    return new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: fallback.rate, burstLimit: fallback.burst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query string: unsubscribe tokens travel in it.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            caller: '$context.identity.userArn',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
  }

  /**
   * HTTP routes: exactly functions/routes.ts, which the local runtime serves too, each throttled on the stage
   * by its own limit (routeThrottle). These limits are for all callers together: per-client limits need
   * CloudFront and WAF in front of the public routes (README).
   */
  private addRoutes(scale: Scale): void {
    const handlers: Partial<Record<FunctionName, IFunction>> = {
      'accept-event': this.acceptEvent.fn,
      'ingest-event': this.ingestEvent.fn,
      unsubscribe: this.unsubscribe.fn,
      feedback: this.feedback.fn,
    };
    const integrations: Partial<Record<FunctionName, HttpLambdaIntegration>> = {};
    const integrationFor = (name: FunctionName) => {
      const fn = handlers[name];
      if (!fn) throw new Error(`no function ${name} in the events API for its route`);
      return (integrations[name] ??= new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn));
    };
    const iamAuthorizer = new HttpIamAuthorizer();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const routes: HttpRoute[] = [];
    for (const route of HTTP_ROUTES) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        ...(route.auth === 'iam' ? { authorizer: iamAuthorizer } : {}),
      });
      if (!created) throw new Error(`no route was created for ${route.method} ${route.path}`);
      routes.push(created);
      const { rate, burst } = routeThrottle(route, scale);
      routeSettings[`${route.method} ${route.path}`] = {
        ThrottlingRateLimit: rate,
        ThrottlingBurstLimit: burst,
      };
      if (route.auth === 'none') {
        acknowledgeNag(
          created,
          'APIG4',
          `${route.method} ${route.path} is opened from links in emails by recipients who have no account; ` +
            'the handler verifies the HMAC-signed token in the link before changing anything, and the route is throttled.',
        );
      }
    }
    // The L2 stage sets only the stage-wide default. API Gateway refuses settings for a route that does
    // not exist yet, so the stage waits for the routes.
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    for (const r of routes) this.stage.node.addDependency(r);
  }

  /**
   * Comments and complaints are read for sentiment as they arrive; DetectSentiment has no resource to
   * scope to (it is a stateless call), so the grant is this one action.
   */
  private grantSentiment(readers: readonly HandlerFunction[]): void {
    for (const f of readers) {
      f.fn.addToRolePolicy(
        new PolicyStatement({ actions: ['comprehend:DetectSentiment'], resources: ['*'] }),
      );
      acknowledgeNag(
        f.fn.role!,
        'IAM5[Resource::*]',
        'comprehend:DetectSentiment is a stateless call that supports no resource-level permission; the ' +
          'statement grants that single action and nothing else.',
      );
    }
  }
}

/**
 * Stage and tier changes are announced on the bus (source rapport.lifecycle, which no rule feeds back
 * into ingest).
 */
export function grantLifecycleAnnouncements(bus: IEventBus, fn: IFunction): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': LIFECYCLE_EVENT.source } },
    }),
  );
}
