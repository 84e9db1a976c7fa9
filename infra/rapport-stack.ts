import { resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  TableGrants,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { DUE_INDEX, TABLE_KEYS } from '../adapters/dynamodb/table';
import type { Workflows } from '../domain/config/load';
import { TASK_EVENT } from '../domain/journey/compile';
import { LIFECYCLE_EVENT } from '../domain/lifecycle/changes';
import { HTTP_ROUTES, type FunctionName } from '../functions/routes';
import { marketingJourneys } from '../domain/messages/suppress';
import { RapportDashboard } from './dashboard';
import { MessagingFeedback } from './messaging-feedback';
import { deadLetterQueue } from './dead-letter-queue';
import { HandlerFunction } from './handler-function';
import { grantJourneyAccess } from './journey-access';
import { JourneyStateMachine, journeyStateMachineArn } from './journey-state-machine';
import {
  checkPublicBaseUrl,
  checkSweepEvery,
  DEFAULT_SWEEP_EVERY_MINUTES,
  emailDomain,
  pascalCase,
} from './names';
import { acknowledgeNag } from './nag';
import { SweepSchedule } from './sweep-schedule';

/** Names fixed on AWS (one Rapport per account and region): what operators and event producers look for. */
export const NAMES = {
  eventBus: 'rapport',
  eventSource: 'rapport.events',
  configurationSet: 'rapport',
  /** End User Messaging SMS: the configuration set and the opt-out list. */
  sms: 'rapport',
  httpApi: 'rapport',
  dashboard: 'Rapport',
  sweepSchedule: 'rapport-sweep',
} as const;

/** The EventBridge pattern of the requests `task` steps publish on the bus, for rules that route them to people. */
/** The EventBridge pattern of the stage and tier changes the lifecycle announces on the bus. */
export const LIFECYCLE_EVENT_PATTERN = {
  source: [LIFECYCLE_EVENT.source],
  'detail-type': Object.values(LIFECYCLE_EVENT.detailType),
};

export const TASK_EVENT_PATTERN = {
  source: [TASK_EVENT.source],
  'detail-type': [TASK_EVENT.detailType],
} as const;

/** The repository root: infra/ sits directly below it. */
export const PROJECT_ROOT = resolve(__dirname, '..');

export const DEFAULT_SENDER_ADDRESS = 'no-reply@example.com';

export interface RapportStackProps extends StackProps {
  /** The loaded workflows: one state machine is created per journey. */
  workflows: Workflows;
  /** The repository root (functions/, workflows/, package-lock.json) the handlers are bundled from. */
  projectRoot?: string | undefined;
  /** The From address of every email, optionally with a display name: `Brand <no-reply@example.com>`. */
  senderAddress?: string | undefined;
  /** The base of links in emails (unsubscribe). Defaults to the HTTP API's own URL. */
  publicBaseUrl?: string | undefined;
  /** Minutes between two sweeps (customers going dormant or lost as time passes); default 60. */
  sweepEvery?: number | undefined;
}

export class RapportStack extends Stack {
  readonly table: Table;
  readonly functions: Record<FunctionName, HandlerFunction>;
  readonly journeys: Record<string, JourneyStateMachine>;
  readonly httpApi: HttpApi;
  readonly eventBus: EventBus;
  readonly sweepSchedule: SweepSchedule;
  readonly feedback: MessagingFeedback;

  constructor(scope: Construct, id: string, props: RapportStackProps) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const sender = emailDomain(props.senderAddress ?? DEFAULT_SENDER_ADDRESS);
    const logRetention = RetentionDays.ONE_MONTH;
    const sweepEvery = checkSweepEvery(props.sweepEvery ?? DEFAULT_SWEEP_EVERY_MINUTES);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Profiles and consent records (who unsubscribed, when) must outlive any stack.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Sparse: only customers with a due time (an inactivity threshold ahead) are in it; the sweep reads it.
    this.table.addGlobalSecondaryIndex({
      indexName: DUE_INDEX.name,
      partitionKey: { name: DUE_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: DUE_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    const linkSigningSecret = new Secret(this, 'LinkSigningSecret', {
      description: 'Rapport: HMAC key that signs unsubscribe links in emails',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Deleting it would invalidate every link in mail already sent.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      linkSigningSecret,
      'SMG4',
      'An HMAC key for links in emails, rotated manually: an automatic rotation would invalidate the ' +
        'unsubscribe links in every email already sent, and there is no external credential to rotate.',
    );

    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: NAMES.configurationSet,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    // Both the EventBridge target (delivery failed) and the ingest function (async invocations that still
    // failed after Lambda's retries) put the original event here, so nothing sent to the bus is lost.
    const ingestDeadLetters = deadLetterQueue(this, 'IngestDeadLetters');
    // Sweeps that Scheduler could not deliver, and sweeps that failed: a signal only, since the next sweep
    // reads the index afresh and does whatever the missed one would have done.
    const sweepDeadLetters = deadLetterQueue(this, 'SweepDeadLetters');

    // The default stage is created here rather than by HttpApi so that it can carry throttling and access logs.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: NAMES.httpApi,
      description: 'Rapport: POST /events (SigV4), GET|POST /unsubscribe (links in emails)',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // The unsubscribe routes are public; this bounds what a flood of requests can cost.
      throttle: { rateLimit: 50, burstLimit: 100 },
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
    const publicBaseUrl =
      props.publicBaseUrl === undefined ? stage.url : checkPublicBaseUrl(props.publicBaseUrl);

    const common = { TABLE_NAME: this.table.tableName };
    const sendMessage = new HandlerFunction(this, 'SendMessage', {
      name: 'send-message',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      // Below the Task state's TimeoutSeconds (60) in the compiled journeys.
      timeout: Duration.seconds(30),
      environment: {
        ...common,
        SENDER_ADDRESS: props.senderAddress ?? DEFAULT_SENDER_ADDRESS,
        SES_CONFIGURATION_SET: configurationSet.configurationSetName,
        SMS_CONFIGURATION_SET: NAMES.sms,
        PUBLIC_BASE_URL: publicBaseUrl,
        LINK_SIGNING_SECRET_ARN: linkSigningSecret.secretArn,
      },
    });

    // branch, split and update steps: the step's definition travels in the Task input, so this handler
    // reads no workflows (no copy in its package) and needs only the table.
    const journeyStep = new HandlerFunction(this, 'JourneyStep', {
      name: 'journey-step',
      projectRoot,
      logRetention,
      // Below the Task state's TimeoutSeconds (60) in the compiled journeys.
      timeout: Duration.seconds(15),
      environment: common,
    });

    // Systems publish their events here instead of calling the API (source rapport.events); journeys their
    // task steps' requests for a person (source rapport.journeys), which operators route to a CRM or
    // ticketing; and the lifecycle its stage and tier changes (source rapport.lifecycle).
    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: NAMES.eventBus });

    this.journeys = {};
    for (const loaded of props.workflows.journeys) {
      this.journeys[loaded.journey.id] = new JourneyStateMachine(
        this,
        `Journey${pascalCase(loaded.journey.id)}`,
        {
          loaded,
          sendMessage: sendMessage.fn,
          journeyStep: journeyStep.fn,
          eventBus: this.eventBus,
          logRetention,
        },
      );
    }
    // By name, not by reference: the functions that start journeys must not depend on the state machines,
    // which are updated after them (journey-access.ts).
    const stateMachineArns = Object.fromEntries(
      Object.keys(this.journeys).map((id) => [id, journeyStateMachineArn(this, id)]),
    );

    // What both ways a customer moves along the lifecycle need: they start journeys and announce changes.
    const lifecycleEnvironment = {
      ...common,
      JOURNEY_STATE_MACHINES: this.toJsonString(stateMachineArns),
      EVENT_BUS_NAME: this.eventBus.eventBusName,
    };
    const ingestEvent = new HandlerFunction(this, 'IngestEvent', {
      name: 'ingest-event',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      timeout: Duration.seconds(15),
      deadLetterQueue: ingestDeadLetters,
      environment: lifecycleEnvironment,
    });
    const unsubscribe = new HandlerFunction(this, 'Unsubscribe', {
      name: 'unsubscribe',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      timeout: Duration.seconds(15),
      environment: { ...common, LINK_SIGNING_SECRET_ARN: linkSigningSecret.secretArn },
    });
    const sweep = new HandlerFunction(this, 'Sweep', {
      name: 'sweep',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      // A sweep that runs out of time leaves the rest of the index to the next one.
      timeout: Duration.minutes(5),
      deadLetterQueue: sweepDeadLetters,
      environment: lifecycleEnvironment,
    });
    // The score links of survey emails: a public route, like unsubscribe; it ingests feedback events.
    const feedback = new HandlerFunction(this, 'Feedback', {
      name: 'feedback',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      timeout: Duration.seconds(15),
      environment: { ...lifecycleEnvironment, LINK_SIGNING_SECRET_ARN: linkSigningSecret.secretArn },
    });
    // Bounces, complaints and STOP replies: SNS retries, then parks what still failed here.
    const feedbackDeadLetters = deadLetterQueue(this, 'FeedbackDeadLetters');
    const deliveryEvents = new HandlerFunction(this, 'DeliveryEvents', {
      name: 'delivery-events',
      projectRoot,
      workflowsDir: props.workflows.dir,
      logRetention,
      timeout: Duration.seconds(30),
      // SNS invokes asynchronously: what still fails after Lambda's retries is kept here too.
      deadLetterQueue: feedbackDeadLetters,
      environment: { ...common, JOURNEY_STATE_MACHINES: this.toJsonString(stateMachineArns) },
    });
    this.feedback = new MessagingFeedback(this, 'DeliveryFeedback', {
      emailConfigurationSet: configurationSet,
      smsName: NAMES.sms,
      handler: deliveryEvents.fn,
      deadLetterQueue: feedbackDeadLetters,
    });
    // Invoked by the schedule only: a failed sweep is not retried by Lambda (the next one redoes it), and an
    // invocation still queued when the next sweep is due is dropped.
    sweep.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(sweepEvery, 6 * 60)),
    });
    this.functions = {
      'ingest-event': ingestEvent,
      'send-message': sendMessage,
      'journey-step': journeyStep,
      unsubscribe,
      sweep,
      'delivery-events': deliveryEvents,
      feedback,
    };

    // Least privilege: each function gets only the resources its handler uses. The table's items only, not
    // `index/*` (which grantReadWriteData adds once the table has an index): only the sweep queries one.
    const tableItems = TableGrants.fromTable(this.table, undefined, false);
    for (const f of Object.values(this.functions)) tableItems.readWriteData(f.fn);
    // Stage and tier changes are announced on the bus (source rapport.lifecycle, which no rule feeds back
    // into ingest).
    for (const f of [ingestEvent, sweep, feedback])
      f.fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [this.eventBus.eventBusArn],
          conditions: { StringEquals: { 'events:source': LIFECYCLE_EVENT.source } },
        }),
      );
    // Comments and complaints are read for sentiment as they arrive; DetectSentiment has no resource to
    // scope to (it is a stateless call), so the grant is this one action.
    const comprehendReaders: HandlerFunction[] = [ingestEvent, feedback];
    for (const f of comprehendReaders) {
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
    sweep.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${DUE_INDEX.name}`],
      }),
    );
    const marketing = new Set(
      marketingJourneys(props.workflows.journeys.map((l) => l.journey)).map((j) => j.id),
    );
    grantJourneyAccess({
      journeys: this.journeys,
      starters: [ingestEvent, feedback, sweep],
      suppressor: deliveryEvents,
      marketing,
    });
    linkSigningSecret.grantRead(sendMessage.fn);
    linkSigningSecret.grantRead(unsubscribe.fn);
    linkSigningSecret.grantRead(feedback.fn);
    // SendRawEmail is authorised against the sending identity (the address or its verified domain) and
    // the configuration set; nothing else may be sent from.
    const identityArn = (identity: string) =>
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    sendMessage.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          identityArn(sender.address),
          identityArn(sender.domain),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        ],
      }),
    );

    // SendTextMessage is authorised against the configuration set and whichever origination identity End
    // User Messaging picks (numbers are bought and registered outside the stack).
    const smsArn = (resource: string, name: string) =>
      this.formatArn({ service: 'sms-voice', resource, resourceName: name });
    sendMessage.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          smsArn('configuration-set', NAMES.sms),
          smsArn('phone-number', '*'),
          smsArn('pool', '*'),
          smsArn('sender-id', '*'),
        ],
      }),
    );
    for (const resource of ['phone-number', 'pool', 'sender-id'])
      acknowledgeNag(
        sendMessage.fn.role!,
        `IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:${resource}/*]`,
        'Numbers, pools and sender ids are bought and registered per country outside the stack; the ' +
          'grant is to send text messages only, through the Rapport configuration set.',
      );

    // HTTP routes: exactly functions/routes.ts, which the local runtime serves too.
    const integrations: Partial<Record<FunctionName, HttpLambdaIntegration>> = {};
    const integrationFor = (name: FunctionName) =>
      (integrations[name] ??= new HttpLambdaIntegration(
        `${pascalCase(name)}Integration`,
        this.functions[name].fn,
      ));
    const iamAuthorizer = new HttpIamAuthorizer();
    for (const route of HTTP_ROUTES) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        ...(route.auth === 'iam' ? { authorizer: iamAuthorizer } : {}),
      });
      if (!created) throw new Error(`no route was created for ${route.method} ${route.path}`);
      if (route.auth === 'none') {
        acknowledgeNag(
          created,
          'APIG4',
          `${route.method} ${route.path} is opened from links in emails by recipients who have no account; ` +
            'the handler verifies the HMAC-signed token in the link before changing anything, and the stage is throttled.',
        );
      }
    }

    // Only rapport.events reaches ingest-event: the journeys' own task events (rapport.journeys), published on
    // the same bus, must never loop back in as customer events.
    new Rule(this, 'IngestRule', {
      eventBus: this.eventBus,
      description: `Every event from ${NAMES.eventSource} goes to the ingest-event function`,
      eventPattern: { source: [NAMES.eventSource] },
      targets: [
        new LambdaFunction(ingestEvent.fn, {
          deadLetterQueue: ingestDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    this.sweepSchedule = new SweepSchedule(this, 'SweepSchedule', {
      scheduleName: NAMES.sweepSchedule,
      target: sweep.fn,
      everyMinutes: sweepEvery,
      deadLetterQueue: sweepDeadLetters,
    });

    new RapportDashboard(this, 'Dashboard', {
      dashboardName: NAMES.dashboard,
      journeys: this.journeys,
      functions: this.functions,
      httpApi: this.httpApi,
      deadLetters: [
        { title: 'Events not ingested (dead-letter queue)', queue: ingestDeadLetters },
        { title: 'Sweeps not delivered or failed (dead-letter queue)', queue: sweepDeadLetters },
        // A bounce, complaint or STOP lost here is an address not suppressed: the one that must not wait.
        {
          title: 'Bounces, complaints, STOP replies not handled (dead-letter queue)',
          queue: feedbackDeadLetters,
        },
      ],
    });

    new CfnOutput(this, 'EventsApiUrl', {
      description: 'POST events here, signed with SigV4 (IAM authorization)',
      value: `${stage.url}events`,
    });
    new CfnOutput(this, 'PublicBaseUrl', {
      description: 'The base URL of links in emails (unsubscribe)',
      value: publicBaseUrl,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'InboundSmsTopicArn', {
      description:
        "Set this as your phone number's two-way SMS channel (with the opt-out list below): STOP replies suppress the number",
      value: this.feedback.inboundSms.topicArn,
    });
    new CfnOutput(this, 'SmsOptOutListName', {
      description: 'Attach this opt-out list to your End User Messaging phone number or pool',
      value: NAMES.sms,
    });
    new CfnOutput(this, 'SweepScheduleName', {
      description: `EventBridge Scheduler schedule (default group) that runs the sweep every ${sweepEvery} min`,
      value: this.sweepSchedule.schedule.scheduleName,
    });
    new CfnOutput(this, 'EventBusName', {
      description: `Put events with source "${NAMES.eventSource}" on this bus`,
      value: this.eventBus.eventBusName,
    });
    new CfnOutput(this, 'LifecycleEventPattern', {
      description:
        'Stage and tier changes are announced on the bus; a rule with this event pattern routes them to a CRM, ' +
        'analytics or a data warehouse (detail.id is the same for a repeat: deduplicate on it)',
      value: JSON.stringify(LIFECYCLE_EVENT_PATTERN),
    });
    new CfnOutput(this, 'TaskEventPattern', {
      description:
        'Task steps (ask a person to act) publish on the bus; a rule with this event pattern routes them to ' +
        'a CRM or ticketing target (README: Routing tasks to people)',
      value: JSON.stringify(TASK_EVENT_PATTERN),
    });
    for (const [id, j] of Object.entries(this.journeys)) {
      new CfnOutput(this, `StateMachineArn${pascalCase(id)}`, {
        description: `State machine of journey ${id}`,
        value: j.stateMachine.stateMachineArn,
      });
    }
  }
}
