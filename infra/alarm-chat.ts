import { Annotations, CfnOutput, Duration, SecretValue } from 'aws-cdk-lib';
import { TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_PLACEHOLDER } from '../functions/alarm-chat/webhook-url';
import { rapportAlarm } from './alarm';
import type { AlarmChatSetting } from './alarm-settings';
import type { AlarmTopic } from './alarm-topic';
import { deadLetterQueue } from './dead-letter-queue';
import { HandlerFunction } from './handler-function';
import { acknowledgeNag } from './nag';

export interface AlarmChatProps {
  alarmTopic: AlarmTopic;
  setting: AlarmChatSetting;
  projectRoot: string;
  logRetention: RetentionDays;
}

/** A complete ARN ends in the 6 characters Secrets Manager appends to the name. */
const COMPLETE_SECRET_ARN = /-[A-Za-z0-9]{6}$/;

/**
 * The alarm topic's chat subscriber (context alarmChat): functions/alarm-chat POSTs each alarm and OK to
 * the chat's incoming webhook. The webhook URL is a credential: it lives in a secret (the one given, or
 * one created here with a placeholder the operator replaces), read by the function alone. A notification
 * the webhook refuses is retried twice by Lambda, then kept in a dead-letter queue whose alarm reaches
 * the email subscribers (and the chat, which makes no loop: the alarm notifies once, when it turns).
 */
export class AlarmChat extends Construct {
  readonly handler: HandlerFunction;
  readonly secret: ISecret;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AlarmChatProps) {
    super(scope, id);
    this.secret = this.webhookSecret(props.setting.webhookSecretArn);
    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.handler = new HandlerFunction(this, 'Handler', {
      name: 'alarm-chat',
      projectRoot: props.projectRoot,
      environment: { CHAT_FORMAT: props.setting.format, WEBHOOK_SECRET_ARN: this.secret.secretArn },
      logRetention: props.logRetention,
      // The POST gives up after 5 s (handler.ts): the secret read and a cold start fit beside it.
      timeout: Duration.seconds(20),
      deadLetterQueue: this.deadLetters,
    });
    this.secret.grantRead(this.handler.fn);
    props.alarmTopic.topic.addSubscription(new LambdaSubscription(this.handler.fn));
    Annotations.of(props.alarmTopic).acknowledgeWarning(
      'rapport:alarm-topic-unsubscribed',
      'The chat is subscribed (context alarmChat)',
    );
    this.deadLettersAlarm = rapportAlarm(this, 'DeadLettersAlarm', {
      runbook: 'dead-letters',
      subject: 'alarm-chat',
      description:
        'Alarm notifications the chat webhook did not take (alarm-chat dead-letter queue): the email ' +
        'subscribers had them; check the webhook secret and the function log, then redrive',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      description: 'Put the chat webhook URL in this secret (aws secretsmanager put-secret-value)',
      value: this.secret.secretArn,
    });
  }

  private webhookSecret(arn: string | undefined): ISecret {
    if (arn !== undefined)
      return COMPLETE_SECRET_ARN.test(arn)
        ? Secret.fromSecretCompleteArn(this, 'Webhook', arn)
        : Secret.fromSecretPartialArn(this, 'Webhook', arn);
    const secret = new Secret(this, 'Webhook', {
      description: 'Rapport: the chat webhook URL alarm notifications are posted to (set by the operator)',
      // Not a secret: a placeholder the function refuses (WebhookUrlNotSetError) until it is replaced.
      secretStringValue: SecretValue.unsafePlainText(WEBHOOK_PLACEHOLDER),
    });
    acknowledgeNag(
      secret,
      'SMG4',
      'A chat webhook URL issued by the chat service: it is rotated there, by hand, then put in the secret; ' +
        'Secrets Manager has nothing it could rotate it with.',
    );
    return secret;
  }
}
