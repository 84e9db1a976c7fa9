import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app';
import { cfnText, FAST_SYNTH, logicalIdOf, resourcesOf } from './support';

// One synth, cdk-nag on: a stage that reuses a retained table and secret and sends texts from one pool.
const TABLE = 'Rapport-Table-1A2B3C4D5E6F';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:LinkSigningSecret-AbC123';
const POOL = 'pool-0123456789abcdef0123456789abcdef';
const outdir = mkdtempSync(join(tmpdir(), 'rapport-imports-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const { app, stack } = buildApp({
  appProps: {
    ...FAST_SYNTH,
    outdir,
    context: {
      ...FAST_SYNTH.context,
      stage: 'prod',
      stages: { prod: { tableName: TABLE, linkSigningSecretArn: SECRET, smsOriginationIdentity: POOL } },
    },
  },
});
// Synthesizes the app, cdk-nag included: it throws on any finding not acknowledged.
const template = Template.fromStack(stack);

const fnProps = (name: string) =>
  resourcesOf(template, 'AWS::Lambda::Function')[
    logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` })
  ]!.Properties;
type Statement = { Action: string | string[]; Resource: unknown };
const statements = (): Statement[] =>
  Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
const resourcesOfAction = (prefix: string) =>
  statements()
    .filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix)))
    .flatMap((s) => [s.Resource].flat().map(cfnText));

describe('a stage given an existing table, secret and SMS origination identity', () => {
  it('creates no table and no secret: it uses the retained ones', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cfnText(template.toJSON().Outputs.TableName.Value)).toBe(TABLE);
    expect(template.toJSON().Outputs.LinkSigningSecretArn.Value).toBe(SECRET);
  });

  it('grants on the imported table (and its due index) and secret, and names them to the functions', () => {
    const table = `arn:{AWS::Partition}:dynamodb:{AWS::Region}:{AWS::AccountId}:table/${TABLE}`;
    expect(new Set(resourcesOfAction('dynamodb:'))).toEqual(new Set([table, `${table}/index/due`]));
    expect(new Set(resourcesOfAction('secretsmanager:'))).toEqual(new Set([SECRET]));
    const env = (name: string) =>
      (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env('send-message')).toMatchObject({ TABLE_NAME: TABLE, LINK_SIGNING_SECRET_ARN: SECRET });
    expect(env('unsubscribe')).toMatchObject({ TABLE_NAME: TABLE, LINK_SIGNING_SECRET_ARN: SECRET });
  });

  it('keeps the table alarms on the imported table and its index', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const onTable = JSON.stringify(
      alarms.filter((a) => /table|due-index/.test(String(a.Properties.AlarmName))),
    );
    expect(onTable).toContain(`"TableName","Value":"${TABLE}"`);
    expect(onTable).toContain('"GlobalSecondaryIndexName","Value":"due"');
  });

  it('sends texts from the configured identity: in send-message’s environment, and the only one it may use', () => {
    expect(fnProps('send-message').Environment).toMatchObject({
      Variables: { SMS_ORIGINATION_IDENTITY: POOL },
    });
    expect(resourcesOfAction('sms-voice:SendTextMessage').sort()).toEqual([
      'arn:{AWS::Partition}:sms-voice:{AWS::Region}:{AWS::AccountId}:configuration-set/prod-rapport',
      `arn:{AWS::Partition}:sms-voice:{AWS::Region}:{AWS::AccountId}:pool/${POOL}`,
    ]);
  });

  it('is cdk-nag clean with no acknowledgement of the wildcard SMS grant left', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.keys(m.data as Record<string, unknown>));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => id.includes('sms-voice'))).toEqual([]);
  });
});
