import { Annotations, ArnFormat, Stack, type IAspect } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, CfnCompositeAlarm, CompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { runbookKeyOf } from './alarm';

export interface AlarmTopicProps {
  /** Subscribed by email (each confirms the link SNS mails before anything reaches them). */
  emails: readonly string[];
}

/**
 * Where every alarm goes (AlarmActions, below): an SNS topic encrypted with its own customer-managed key.
 * CloudWatch must be allowed to use the key: with the AWS-managed key (alias/aws/sns), or a customer key
 * whose policy leaves cloudwatch.amazonaws.com out, the alarm changes state and the notification is
 * dropped, with only "CloudWatch Alarms does not have authorization to access the SNS topic encryption
 * key" in the alarm history (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns; SNS:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * A chat webhook subscribes through alarm-chat.ts (context alarmChat); AWS Chatbot may subscribe too.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Rapport: encrypts the alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
    });
    // No condition on the key: only the topic uses it, and the topic policy below says who may publish.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: `${stack.stackName} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one: CloudWatch is allowed to publish for this stack's alarms.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisStack',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${stack.stackName}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    if (props.emails.length === 0)
      Annotations.of(this).addWarningV2(
        'rapport:alarm-topic-unsubscribed',
        'No one is subscribed to the alarm topic: set context alarmEmails (-c alarmEmails=oncall@example.com) ' +
          'or a chat (-c alarmChat=slack), or subscribe to output AlarmTopicArn by hand',
      );
  }
}

/**
 * Gives every alarm of the scope it is applied to the alarm topic as alarm and OK action (an OK says the
 * trouble is over), so a new alarm cannot be left out. An alarm without a runbook key in its description
 * (alarm.ts rapportAlarm) is a synth error: the README runbook must say what to do about it; so is one
 * not named after the stack, which the topic would refuse.
 */
export class AlarmActions implements IAspect {
  private readonly seen = new WeakSet<IConstruct>();

  constructor(private readonly topic: Topic) {}

  visit(node: IConstruct): void {
    if (this.seen.has(node)) return;
    this.seen.add(node);
    if (node instanceof Alarm || node instanceof CompositeAlarm) {
      node.addAlarmAction(new SnsAction(this.topic));
      node.addOkAction(new SnsAction(this.topic));
    } else if (node instanceof CfnAlarm || node instanceof CfnCompositeAlarm) {
      this.checkRunbook(node);
      // A bare L1 alarm (its L2 parent was handled above and resolves its own action lists).
      const parent = node.node.scope;
      if (parent instanceof Alarm || parent instanceof CompositeAlarm) return;
      node.alarmActions = [...((node.alarmActions as string[] | undefined) ?? []), this.topic.topicArn];
      node.okActions = [...((node.okActions as string[] | undefined) ?? []), this.topic.topicArn];
    }
  }

  private checkRunbook(alarm: CfnAlarm | CfnCompositeAlarm): void {
    const description = alarm.alarmDescription;
    if (typeof description !== 'string' || runbookKeyOf(description) === undefined)
      Annotations.of(alarm).addError(
        'Every alarm ends its description with "(runbook: <key>)" and has an entry in README ' +
          '"Runbook: alarms": create it with rapportAlarm (infra/alarm.ts)',
      );
    // The topic policy lets CloudWatch publish for these names only: another would notify no one.
    const prefix = `${Stack.of(alarm).stackName}-`;
    if (typeof alarm.alarmName !== 'string' || !alarm.alarmName.startsWith(prefix))
      Annotations.of(alarm).addError(
        `Every alarm is named ${prefix}<runbook key>: create it with rapportAlarm`,
      );
  }
}
