import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { EmailSendingEvent, EventDestination, type ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { CfnConfigurationSet, CfnOptOutList } from 'aws-cdk-lib/aws-smsvoice';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SMS_DELIVERED_EVENTS } from './delivery-metrics';

export interface MessagingFeedbackProps {
  /** The SES configuration set of untracked email. */
  emailConfigurationSet: ConfigurationSet;
  /** The SES configuration set of open- and click-tracked email. */
  trackedConfigurationSet: ConfigurationSet;
  /** Names of the End User Messaging SMS configuration set and opt-out list. */
  smsName: string;
  /** The delivery-events function: suppresses bounced, complaining and opted-out addresses. */
  handler: IFunction;
  deadLetterQueue: IQueue;
}

/**
 * What customers and their providers tell us back: SES bounces and complaints (configuration set → SNS)
 * and inbound texts (two-way SMS → SNS), both delivered to the delivery-events function. The topics carry
 * email addresses and phone numbers, so they are encrypted with a key only these services may use.
 */
export class MessagingFeedback extends Construct {
  readonly emailFeedback: Topic;
  readonly inboundSms: Topic;
  /** End User Messaging SMS delivery events (TEXT_DELIVERED, TEXT_SUCCESSFUL): sms-delivered events. */
  readonly smsDeliveries: Topic;
  readonly smsConfigurationSet: CfnConfigurationSet;
  readonly optOutList: CfnOptOutList;

  constructor(scope: Construct, id: string, props: MessagingFeedbackProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'Rapport: encrypts the SNS topics of email feedback and inbound SMS',
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'sms-voice.amazonaws.com'])
      key.grant(new ServicePrincipal(service), 'kms:GenerateDataKey*', 'kms:Decrypt');

    this.emailFeedback = new Topic(this, 'EmailFeedback', {
      displayName: `${Stack.of(this).stackName}: SES bounces, complaints, deliveries, opens and clicks`,
      masterKey: key,
      enforceSSL: true,
    });
    this.inboundSms = new Topic(this, 'InboundSms', {
      displayName: `${Stack.of(this).stackName}: inbound SMS (STOP and other replies)`,
      masterKey: key,
      enforceSSL: true,
    });
    this.smsDeliveries = new Topic(this, 'SmsDeliveries', {
      displayName: `${Stack.of(this).stackName}: SMS delivery events`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const topic of [this.inboundSms, this.smsDeliveries]) this.allowEndUserMessaging(topic);
    // Transient bounces come too; the handler acts on permanent ones only. Deliveries (and the tracked
    // set's opens and clicks) become the customer's engagement events.
    const feedback = [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.DELIVERY];
    props.emailConfigurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(this.emailFeedback),
      events: feedback,
    });
    props.trackedConfigurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(this.emailFeedback),
      events: [...feedback, EmailSendingEvent.OPEN, EmailSendingEvent.CLICK],
    });

    // End User Messaging SMS: numbers that reply STOP land on this list and are refused at once; the
    // phone number (bought and registered outside the stack) is attached to both (README: SMS).
    this.optOutList = new CfnOptOutList(this, 'OptOutList', { optOutListName: props.smsName });
    this.smsConfigurationSet = new CfnConfigurationSet(this, 'SmsConfigurationSet', {
      configurationSetName: props.smsName,
      eventDestinations: [
        {
          eventDestinationName: 'rapport-engagement',
          enabled: true,
          matchingEventTypes: [...SMS_DELIVERED_EVENTS],
          snsDestination: { topicArn: this.smsDeliveries.topicArn },
        },
      ],
    });

    for (const topic of [this.emailFeedback, this.inboundSms, this.smsDeliveries])
      topic.addSubscription(
        new LambdaSubscription(props.handler, { deadLetterQueue: props.deadLetterQueue }),
      );
  }

  /**
   * End User Messaging publishes replies to a two-way number, and delivery events, to a topic only if the
   * topic policy lets it: without this, STOP replies never arrive. Only for this account's resources.
   */
  private allowEndUserMessaging(topic: Topic): void {
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EndUserMessagingPublishes',
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'sms-voice',
              resource: '*',
              arnFormat: ArnFormat.NO_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
