import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { sendConcurrency } from '../domain/config/scale';
import { deadLetterQueue } from './dead-letter-queue';
import { DeliveryMetrics } from './delivery-metrics';
import type { HandlerFunction } from './handler-function';
import { MessagingFeedback } from './messaging-feedback';
import { emailDomain } from './names';
import { acknowledgeNag } from './nag';
import { originationIdentityArn } from './sms-identity';
import { rapportFunction, type FunctionSettings } from './rapport-function';
import { StackPart } from './stack-part';
import { FUNCTION_TIMEOUT_SECONDS } from './work-settings';

export interface MessagingProps {
  functions: FunctionSettings;
  /** The From address of every email, optionally with a display name. */
  senderAddress: string;
  /** The SES configuration set's name. */
  configurationSetName: string;
  /** Names of the End User Messaging SMS configuration set and opt-out list. */
  smsName: string;
  /** The base of links in emails. */
  publicBaseUrl: string;
  linkSigningSecret: ISecret;
  stateMachineArnPrefix: string;
  /**
   * The phone number, pool or sender id texts are sent from (sms-identity.ts); the only one send-message may
   * use. Unset, End User Messaging picks one of the account's, and any may be used.
   */
  smsOriginationIdentity?: string | undefined;
}

/**
 * Messages out and what comes back: send-message (SES and End User Messaging SMS, through their
 * configuration sets), and delivery feedback (bounces, complaints, STOP replies) and engagement
 * (deliveries, opens, clicks, SMS deliveries) to delivery-events.
 */
export class Messaging extends StackPart {
  readonly configurationSet: ConfigurationSet;
  /** Marketing email whose topic is tracked (settings.yaml `tracking`): SES adds an open pixel, rewrites links. */
  readonly trackedConfigurationSet: ConfigurationSet;
  readonly sendMessage: HandlerFunction;
  readonly deliveryEvents: HandlerFunction;
  readonly feedbackDeadLetters: Queue;
  readonly feedback: MessagingFeedback;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const configurationSet = (id: string, configurationSetName: string) =>
      new ConfigurationSet(this, id, {
        configurationSetName,
        reputationMetrics: true,
        sendingEnabled: true,
        suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      });
    this.configurationSet = configurationSet('ConfigurationSet', props.configurationSetName);
    // SES tracks opens and clicks of what is sent through a set whose destination takes those events:
    // a set of its own, so that untracked email (transactional, untracked topics) is never rewritten.
    this.trackedConfigurationSet = configurationSet(
      'TrackedConfigurationSet',
      `${props.configurationSetName}-tracked`,
    );
    this.sendMessage = rapportFunction(this, 'SendMessage', props.functions, {
      name: 'send-message',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['send-message']),
      // Sized to the SES send rate: a crowd of due sends waits in the journeys' Retry and deferral loop
      // (a full reservation is throttling to them) instead of pressing SES into throttling.
      reservedConcurrency: sendConcurrency(props.functions.scale),
      environment: {
        SENDER_ADDRESS: props.senderAddress,
        SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        SES_TRACKED_CONFIGURATION_SET: this.trackedConfigurationSet.configurationSetName,
        SMS_CONFIGURATION_SET: props.smsName,
        PUBLIC_BASE_URL: props.publicBaseUrl,
        LINK_SIGNING_SECRET_ARN: props.linkSigningSecret.secretArn,
        ...(props.smsOriginationIdentity === undefined
          ? {}
          : { SMS_ORIGINATION_IDENTITY: props.smsOriginationIdentity }),
      },
    });
    props.linkSigningSecret.grantRead(this.sendMessage.fn);
    this.grantSend(props);

    // Bounces, complaints and STOP replies: SNS retries, then parks what still failed here.
    this.feedbackDeadLetters = deadLetterQueue(this, 'FeedbackDeadLetters');
    this.deliveryEvents = rapportFunction(this, 'DeliveryEvents', props.functions, {
      name: 'delivery-events',
      timeout: Duration.seconds(30),
      // SNS invokes asynchronously: what still fails after Lambda's retries is kept here too.
      deadLetterQueue: this.feedbackDeadLetters,
      environment: { STATE_MACHINE_ARN_PREFIX: props.stateMachineArnPrefix },
    });
    this.feedback = new MessagingFeedback(this, 'DeliveryFeedback', {
      emailConfigurationSet: this.configurationSet,
      trackedConfigurationSet: this.trackedConfigurationSet,
      smsName: props.smsName,
      handler: this.deliveryEvents.fn,
      deadLetterQueue: this.feedbackDeadLetters,
    });
    new DeliveryMetrics(this, 'DeliveryMetrics', {
      emailConfigurationSet: this.configurationSet,
      trackedConfigurationSet: this.trackedConfigurationSet,
      smsConfigurationSet: this.feedback.smsConfigurationSet,
    });
  }

  private grantSend(props: MessagingProps): void {
    const stack = Stack.of(this);
    const fn = this.sendMessage.fn;
    const sender = emailDomain(props.senderAddress);
    // SendRawEmail is authorised against the sending identity (the address or its verified domain) and
    // the configuration set; nothing else may be sent from.
    const identityArn = (identity: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          identityArn(sender.address),
          identityArn(sender.domain),
          ...[this.configurationSet, this.trackedConfigurationSet].map((set) =>
            stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: set.configurationSetName,
            }),
          ),
        ],
      }),
    );

    // SendTextMessage is authorised against the configuration set and the origination identity: the one
    // configured, or else whichever End User Messaging picks (numbers are bought and registered outside
    // the stack).
    const smsArn = (resource: string, name: string) =>
      stack.formatArn({ service: 'sms-voice', resource, resourceName: name });
    const identity = props.smsOriginationIdentity;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          smsArn('configuration-set', props.smsName),
          ...(identity === undefined
            ? ['phone-number', 'pool', 'sender-id'].map((resource) => smsArn(resource, '*'))
            : [originationIdentityArn(this, identity)]),
        ],
      }),
    );
    const wildcards =
      identity === undefined
        ? ['phone-number/*', 'pool/*', 'sender-id/*']
        : identity.startsWith('arn:') || identity.startsWith('phone-') || identity.startsWith('pool-')
          ? []
          : [`sender-id/${identity}/*`];
    for (const resource of wildcards)
      acknowledgeNag(
        fn.role!,
        `IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:${resource}]`,
        identity === undefined
          ? 'Numbers, pools and sender ids are bought and registered per country outside the stack; the ' +
              'grant is to send text messages only, through the Rapport configuration set.'
          : 'A sender id is registered per country: the grant covers this one sender id in any country.',
      );
  }
}
