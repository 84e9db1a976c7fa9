import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { WEBHOOK_PLACEHOLDER } from '../../functions/alarm-chat/webhook-url';
import { checkAlarmChat } from '../../infra/alarm-settings';
import { buildApp } from '../../infra/build-app';
import { InvalidSettingError } from '../../infra/names';
import { cfnText, FAST_SYNTH, resourcesOf } from './support';

const IMPORTED = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rapport/chat-webhook-AbCdEf';
const outdir = mkdtempSync(join(tmpdir(), 'rapport-alarm-chat-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const build = (alarmChat: unknown, nag = false) =>
  buildApp({ nag, appProps: { ...FAST_SYNTH, outdir, context: { ...FAST_SYNTH.context, alarmChat } } });

describe('context alarmChat', () => {
  // With cdk-nag: the synth throws on any finding not acknowledged with its reason.
  const { app, stack } = build('{"format":"teams"}', true);
  app.synth();
  const template = Template.fromStack(stack);
  const chat = stack.alarmChat!;
  const id = (c: { node: { defaultChild?: unknown } } | undefined) =>
    stack.getLogicalId(c!.node.defaultChild as never);
  const fnId = id(chat.handler.fn);
  const topicId = id(stack.observability.alarmTopic.topic);
  const [secretId] = Object.keys(
    template.findResources('AWS::SecretsManager::Secret', {
      Properties: { SecretString: WEBHOOK_PLACEHOLDER },
    }),
  );

  it('subscribes the alarm-chat function to the alarm topic, with the format and the secret, not the URL', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId]!.Properties;
    expect(fn.Description).toBe('Rapport alarm-chat');
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ CHAT_FORMAT: 'teams', WEBHOOK_SECRET_ARN: { Ref: secretId } });
    expect(Object.keys(env).filter((k) => /URL|HOOK/.test(k))).toEqual(['WEBHOOK_SECRET_ARN']);
  });

  it('creates the secret with a placeholder the operator replaces, readable by the function alone', () => {
    expect(secretId).toBeDefined();
    const readers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties).includes(`"Ref":"${secretId}"`),
    );
    expect(readers).toHaveLength(1);
    expect(readers[0]!.Properties).toMatchObject({
      Roles: [{ Ref: id(chat.handler.fn.role as never) }],
      PolicyDocument: {
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: secretId },
          }),
        ]) as unknown,
      },
    });
    template.hasOutput('*', { Value: { Ref: secretId } });
  });

  it('keeps what the webhook refused in a dead-letter queue, whose alarm notifies the topic', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId]!.Properties;
    const queueId = id(chat.deadLetters);
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const alarm = resourcesOf(template, 'AWS::CloudWatch::Alarm')[id(chat.deadLettersAlarm)]!.Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'Rapport-dead-letters-alarm-chat',
      AlarmDescription: expect.stringMatching(/\(runbook: dead-letters\)$/),
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  it('uses a secret given by its ARN, and creates none', () => {
    const given = build({ format: 'slack', webhookSecretArn: IMPORTED });
    const t = Template.fromStack(given.stack);
    expect(
      Object.keys(
        t.findResources('AWS::SecretsManager::Secret', { Properties: { SecretString: WEBHOOK_PLACEHOLDER } }),
      ),
    ).toEqual([]);
    const fn = resourcesOf(t, 'AWS::Lambda::Function');
    const env = Object.values(fn).find((f) => f.Properties.Description === 'Rapport alarm-chat')!.Properties
      .Environment as { Variables: Record<string, unknown> };
    expect(env.Variables).toMatchObject({ CHAT_FORMAT: 'slack', WEBHOOK_SECRET_ARN: IMPORTED });
    const granted = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties).includes(IMPORTED),
    );
    expect(granted).toHaveLength(1);
    expect(cfnText(given.stack.alarmChat!.secret.secretArn)).toBe(IMPORTED);
  });

  it('refuses a malformed setting at synth, naming it, what was given and what is expected', () => {
    expect(checkAlarmChat(undefined)).toBeUndefined();
    expect(checkAlarmChat('slack')).toEqual({ format: 'slack' });
    expect(checkAlarmChat({ format: 'chime', webhookSecretArn: IMPORTED })).toEqual({
      format: 'chime',
      webhookSecretArn: IMPORTED,
    });
    const refused = (value: unknown) => () => checkAlarmChat(value);
    expect(refused('discord')).toThrow(InvalidSettingError);
    expect(refused('discord')).toThrow(
      'context alarmChat.format: got "discord"; expected one of slack, teams, chime, json',
    );
    expect(refused('[1]')).toThrow(/^context alarmChat: got "\[1\]"; expected \{"format":"slack"\}/);
    expect(refused({ format: 'slack', webhookSecretArn: 'my-secret' })).toThrow(
      /context alarmChat\.webhookSecretArn: got "my-secret"; expected a Secrets Manager secret ARN/,
    );
    expect(refused({ format: 'slack', colour: 'red' })).toThrow(
      'context alarmChat: got the unknown field "colour"',
    );
    // A credential never goes in context (cdk.json is committed; -c values land in shell history).
    for (const leaked of [
      'https://hooks.slack.com/services/T/B/x',
      { format: 'slack', webhookUrl: 'https://x' },
    ])
      expect(refused(leaked)).toThrow(/the webhook URL is a credential: keep it in Secrets Manager/);
    // Through the app, as `cdk synth -c alarmChat=…` gives it.
    expect(() => build('{"format":"irc"}')).toThrow(/context alarmChat\.format: got "irc"/);
  });
});
