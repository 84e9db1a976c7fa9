import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { loadWorkflows } from '../../domain/config/load';
import { DEFAULT_ALARM_SETTINGS } from '../../infra/alarm-settings';
import { addRapportStack, buildApp, readProjectContext } from '../../infra/build-app';
import { InvalidSettingError } from '../../infra/names';
import { checkSenderAddress, readSettings, type DeploymentSettings } from '../../infra/settings';
import { checkOriginationIdentity, originationIdentityArn } from '../../infra/sms-identity';
import {
  FAST_SYNTH,
  journeyFiles,
  rewriteJourney,
  scratchWorkflows,
  TEST_SENDER,
  WORKFLOWS_DIR,
} from './support';

// No synth here: settings are checked before anything is built.
const STAGES = { dev: {}, prod: {} };

/** Settings as `cdk synth` reads them: cdk.json's context (`project`) under the `-c` ones (`given`). */
function settings(given: Record<string, unknown>, project?: Record<string, unknown>): DeploymentSettings {
  const context = { ...project, ...given };
  return readSettings({ context: (key) => context[key], projectContext: project });
}

/** The problems readSettings reports (every one of them), or [] when it accepts the settings. */
function problems(given: Record<string, unknown>, project?: Record<string, unknown>): string[] {
  try {
    settings(given, project);
    return [];
  } catch (e) {
    if (!(e instanceof InvalidSettingError)) throw e;
    return [...e.problems];
  }
}

describe('deployment settings per stage', () => {
  it('refuse a missing sender, naming the setting and how to set it', () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/^context senderAddress: missing; expected the From address/),
    ]);
    expect(problems({ stage: 'dev', stages: STAGES })).toEqual([
      expect.stringMatching(/^context senderAddress: missing; .*-c senderAddress=/),
    ]);
  });

  it('refuse a sender on a reserved example domain, naming the setting it came from', () => {
    expect(problems({ senderAddress: 'no-reply@example.com' })).toEqual([
      expect.stringMatching(
        /^context senderAddress: got "no-reply@example.com", on example.com, a domain reserved/,
      ),
    ]);
    const project = {
      senderAddress: TEST_SENDER,
      stages: { dev: { senderAddress: 'Shop <hi@mail.example.org>' }, prod: {} },
    };
    expect(problems({ stage: 'dev' }, project)).toEqual([
      expect.stringMatching(
        /^context stages\.dev\.senderAddress: got "Shop <hi@mail\.example\.org>", on mail\.example\.org/,
      ),
    ]);
    for (const reserved of [
      'a@EXAMPLE.NET',
      'a@x.example',
      'a@shop.test',
      'a@x.invalid',
      'a@localhost',
      'a@my.localhost',
    ])
      expect(() => checkSenderAddress(reserved, 'senderAddress')).toThrow(/a domain reserved for examples/);
    for (const fine of [
      'a@example.co',
      'a@notexample.com',
      'a@example.com.au',
      'a@mail.rapport-demo.org',
      'a@testing.io',
    ])
      expect(checkSenderAddress(fine, 'senderAddress')).toBe(fine);
  });

  it('refuse a stage cdk.json does not define, listing the ones it does', () => {
    expect(problems({ stage: 'qa', senderAddress: TEST_SENDER, stages: STAGES })).toEqual([
      'context stage: got "qa", which cdk.json does not define; expected one of the stages in cdk.json ' +
        'context "stages" (dev, prod): add "qa": { ... } there',
    ]);
  });

  it('refuse a stage name that is not a short lowercase name', () => {
    for (const bad of ['Dev', 'dev-1', '1dev', 'stagingarea', 'dev_2', 42])
      expect(problems({ stage: bad, senderAddress: TEST_SENDER, stages: STAGES })).toEqual([
        `context stage: got ${JSON.stringify(bad)}; expected a short lowercase name: a letter, then up to 9 ` +
          'letters or digits, such as -c stage=dev',
      ]);
  });

  it('refuse an unknown setting in a stage, naming the stage, the field and the ones it may set', () => {
    const stages = { dev: { sendrAddress: TEST_SENDER }, prod: {} };
    expect(problems({ stage: 'dev', senderAddress: TEST_SENDER, stages })).toEqual([
      expect.stringMatching(
        /^context stages\.dev: got the unknown setting "sendrAddress"; expected any of senderAddress, publicBaseUrl, .*smsOriginationIdentity, tableName, linkSigningSecretArn, account, region, terminationProtection$/,
      ),
    ]);
  });

  it('report every problem at once, each by where it was set', () => {
    const stages = { dev: { sweepEvery: 0, account: '1234', smsOriginationIdentity: '+15555550100' } };
    expect(problems({ stage: 'dev', stages, alarmEmails: 'not-an-address' })).toEqual([
      expect.stringMatching(/^context senderAddress: missing/),
      expect.stringMatching(/^context stages\.dev\.sweepEvery: got 0; expected whole minutes/),
      expect.stringMatching(/^context alarmEmails: got "not-an-address"/),
      expect.stringMatching(
        /^context stages\.dev\.smsOriginationIdentity: got "\+15555550100"; .*a bare phone number cannot be used/,
      ),
      'context stages.dev.account: got "1234"; expected a 12-digit AWS account id',
    ]);
  });

  it("take a stage's alarm chat, and name the stage in its errors (a webhook URL is refused as a credential)", () => {
    const chat = (alarmChat: unknown) => ({
      stage: 'prod',
      senderAddress: TEST_SENDER,
      stages: { prod: { alarmChat } },
    });
    expect(settings(chat('teams')).alarmChat).toEqual({ format: 'teams' });
    expect(problems(chat({ format: 'irc' }))).toEqual([
      expect.stringMatching(/^context stages\.prod\.alarmChat\.format: got "irc"; expected one of slack, /),
    ]);
    expect(problems(chat('https://hooks.slack.com/services/T/B/x'))).toEqual([
      expect.stringMatching(/^context stages\.prod\.alarmChat: the webhook URL is a credential/),
    ]);
  });

  it('take -c over the stage entry, the stage entry over cdk.json, cdk.json over the default', () => {
    const project = {
      senderAddress: TEST_SENDER,
      sweepEvery: 30,
      stages: { dev: { sweepEvery: 15, senderAddress: 'Dev <dev@mail.rapport-demo.org>' } },
    };
    expect(settings({ stage: 'dev' }, project)).toMatchObject({
      stage: 'dev',
      senderAddress: 'Dev <dev@mail.rapport-demo.org>',
      sweepEvery: 15,
      alarms: DEFAULT_ALARM_SETTINGS,
    });
    expect(settings({ stage: 'dev', sweepEvery: '5' }, project)).toMatchObject({ sweepEvery: 5 });
    expect(settings({}, project)).toMatchObject({
      stage: undefined,
      senderAddress: TEST_SENDER,
      sweepEvery: 30,
    });
  });

  it('protect prod from termination unless it says otherwise, and any stage that asks', () => {
    const project = {
      senderAddress: TEST_SENDER,
      stages: { dev: {}, prod: {}, staging: { terminationProtection: true }, demo: {} },
    };
    const protectedIn = (given: Record<string, unknown>) => settings(given, project).terminationProtection;
    expect(protectedIn({ stage: 'prod' })).toBe(true);
    expect(protectedIn({ stage: 'prod', terminationProtection: 'false' })).toBe(false);
    expect(protectedIn({ stage: 'staging' })).toBe(true);
    expect(protectedIn({ stage: 'dev' })).toBe(false);
    expect(protectedIn({})).toBe(false);
  });

  it('cdk.json ships stages dev and prod and a sender that passes (README: replace it with yours)', () => {
    const project = readProjectContext();
    for (const stage of [undefined, 'dev', 'prod'])
      expect(settings(stage === undefined ? {} : { stage }, project)).toMatchObject({
        stage,
        senderAddress: 'Rapport <no-reply@mail.rapport-demo.org>',
      });
  });

  it('take an SMS origination identity IAM can name, and scope the grant to it', () => {
    const stack = new Stack(undefined, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const scoped = (identity: string) =>
      stack.resolve(
        originationIdentityArn(stack, checkOriginationIdentity(identity, 'smsOriginationIdentity')),
      );
    const base = (rest: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sms-voice:eu-west-1:123456789012:${rest}`]],
    });
    expect(scoped('phone-0123456789abcdef0123456789abcdef')).toEqual(
      base('phone-number/phone-0123456789abcdef0123456789abcdef'),
    );
    expect(scoped('pool-0123456789abcdef0123456789abcdef')).toEqual(
      base('pool/pool-0123456789abcdef0123456789abcdef'),
    );
    expect(scoped('RAPPORT')).toEqual(base('sender-id/RAPPORT/*'));
    const poolArn = 'arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-0123456789abcdef0123456789abcdef';
    expect(scoped(poolArn)).toBe(poolArn);
    for (const bad of [
      '+15555550100',
      'phone-123',
      'pool-XYZ',
      'TOOLONGSENDERID',
      'arn:aws:sns:eu-west-1:123456789012:x',
      '',
    ])
      expect(() => checkOriginationIdentity(bad, 'smsOriginationIdentity')).toThrow(
        /^context smsOriginationIdentity: got .*; expected the End User Messaging phone number, pool or sender id/,
      );
  });

  it('pin the stack to the account and region a stage gives (stages.test.ts: env-agnostic otherwise)', () => {
    const project = {
      senderAddress: TEST_SENDER,
      stages: { prod: { account: '123456789012', region: 'eu-west-1' }, dev: {} },
    };
    const workflows = loadWorkflows(WORKFLOWS_DIR);
    const app = new App(FAST_SYNTH);
    const pinned = addRapportStack(app, settings({ stage: 'prod' }, project), workflows);
    expect([pinned.account, pinned.region]).toEqual(['123456789012', 'eu-west-1']);
  });

  it('refuse at synth a journey whose state machine name would pass Step Functions’ 80 characters', () => {
    const longId = `a${'-long'.repeat(12)}-journey`.slice(0, 64);
    const scratch = scratchWorkflows((dir) => {
      const first = journeyFiles(dir)[0]!;
      rewriteJourney(
        join(dir, 'journeys', first),
        (doc) => ({ ...doc, id: longId }),
        join(dir, 'journeys', `${longId}.yaml`),
      );
      rmSync(join(dir, 'journeys', first));
    });
    try {
      const build = (stage: string) =>
        buildApp({
          nag: false,
          appProps: {
            ...FAST_SYNTH,
            context: { ...FAST_SYNTH.context, stage, stages: { [stage]: { workflowsDir: scratch.dir } } },
          },
        });
      expect(() => build('dev')).not.toThrow();
      expect(() => build('abcdefghij')).toThrow(
        `journey ${longId}: its state machine name abcdefghij-rapport-${longId} is 83 characters; Step Functions ` +
          'allows 80: shorten the journey id or the stage name "abcdefghij"',
      );
    } finally {
      scratch.cleanup();
    }
  });
});
