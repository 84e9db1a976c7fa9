import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FUNCTIONS } from '../../functions/routes';
import { iamAction, ROLE_ACTIONS } from '../support/grants';

// The IAM action each command the handlers send is authorised as (the grant check's mapping), by the
// serviceId the real clients carry.
const serviceId = (client: { config: { serviceId?: string } }) => client.config.serviceId ?? '';

describe('the grant check names commands as IAM does', () => {
  it.each([
    ['BatchGetItemCommand', 'dynamodb:BatchGetItem', new DynamoDBClient({})],
    ['StartExecutionCommand', 'states:StartExecution', new SFNClient({})],
    ['SendMessageBatchCommand', 'sqs:SendMessage', new SQSClient({})],
    ['SendRawEmailCommand', 'ses:SendRawEmail', new SESClient({})],
    ['SendTextMessageCommand', 'sms-voice:SendTextMessage', new PinpointSMSVoiceV2Client({})],
    ['PutEventsCommand', 'events:PutEvents', new EventBridgeClient({})],
    ['DetectSentimentCommand', 'comprehend:DetectSentiment', new ComprehendClient({})],
    ['GetSecretValueCommand', 'secretsmanager:GetSecretValue', new SecretsManagerClient({})],
  ])('%s is authorised as %s', (command, action, client) => {
    expect(iamAction(serviceId(client), command)).toBe(action);
  });

  it('refuses to guess the prefix of a client it does not know', () => {
    expect(() => iamAction('SESv2', 'SendEmailCommand')).toThrow(/no IAM prefix for the SESv2 client/);
  });

  it('has every function’s grants, as role-actions.json was generated', () => {
    expect(Object.keys(ROLE_ACTIONS).sort()).toEqual([...FUNCTIONS].sort());
  });
});
