import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetEmailTemplateCommand,
  GetJourneyCommand,
  ListJourneysCommand,
  PinpointClient,
} from '@aws-sdk/client-pinpoint';
import { fetchPinpointExport } from '../../adapters/pinpoint/export';
import { importPinpointCommand } from '../../cli/import-pinpoint';
import { loadWorkflows } from '../../domain/config/load';
import { WORKFLOWS_DIR } from '../support/paths';
import { Settings } from '../../domain/config/settings';
import { parse as parseYaml } from 'yaml';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pinpoint');
const clock = { now: () => new Date('2026-12-03T00:00:00Z') };

/** A copy of the shipped workflows without their journeys, to import into. */
function workflowsCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rapport-pinpoint-')), 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  rmSync(join(dir, 'journeys'), { recursive: true });
  return dir;
}

async function runImport(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await importPinpointCommand(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
    { clock },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rapport import pinpoint', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = workflowsCopy();
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(join(d, '..'), { recursive: true, force: true })));

  it('imports the welcome fixture into files that validate and compile, exit 3 for review', async () => {
    const dir = fresh();
    const r = await runImport([join(FIXTURES, 'welcome'), '--workflows', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(3);
    expect(r.out).toContain('✓ validate');
    const w = loadWorkflows(dir);
    expect(w.journeys).toHaveLength(1);
    expect(w.journeys[0]!.asl.length).toBeGreaterThan(0);
    const reports = readdirSync(join(dir, 'journeys')).filter((f) => f.endsWith('.pinpoint.md'));
    expect(reports).toHaveLength(1);
  });

  it('imports the everything fixture, listing every unsupported activity by its id, and the rest validates and compiles', async () => {
    const dir = fresh();
    const r = await runImport([join(FIXTURES, 'everything'), '--workflows', dir]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('✓ validate');
    expect(loadWorkflows(dir).journeys[0]!.asl.length).toBeGreaterThan(0);
    const report = readFileSync(join(dir, 'journeys', 'cart-recovery-all-activities.pinpoint.md'), 'utf8');
    for (const id of ['segmentStart', 'callCentre', 'orphan'])
      expect(report).toMatch(new RegExp(`\\| ${id} \\| ✗ unsupported \\|`));
    expect(report).toContain('PUSH activity');
    expect(report).toContain('ContactCenter activity');
    const steps = loadWorkflows(dir).journeys[0]!.journey.steps.map((s) => `${s.id}:${s.type}`);
    expect(steps[0]).toBe('cart-email:send'); // the PUSH start was left out: customers begin with the email
    expect(steps).toEqual(
      expect.arrayContaining([
        'clicked-cart:wait-for-event',
        'bought-yet:wait-for-event',
        'crm:task',
        'ten-percent:split',
        'until-sale:wait',
      ]),
    );
    expect(steps.some((s) => s.startsWith('call-centre'))).toBe(false);
    expect(loadWorkflows(dir).journeys[0]!.journey.steps.find((s) => s.id === 'clicked-cart')).toEqual({
      id: 'clicked-cart',
      type: 'wait-for-event',
      event: 'email-clicked',
      message: 'cart-email',
      timeout: '2d',
      onEvent: 'bought-yet',
      onTimeout: 'coupon-sms',
    });
    expect(report).toMatch(/\| clickedCart \| ≈ approximated \| wait-for-event clicked-cart: email-clicked/);
    // An open among other conditions still cannot wait: kept as a placeholder tag and reported.
    expect(report).toMatch(
      /\| engaged \| ✗ unsupported \| condition 1: an engagement condition on message cartEmail/,
    );
    expect(r.out).toContain('✗ unsupported callCentre');
    // Open hours and closed days, per channel, as settings.yaml lines that are valid settings once added.
    expect(report).toContain("MONDAY: [{ from: '20:00', to: '24:00' }]");
    expect(report).toContain("TUESDAY: [{ from: '00:00', to: '02:00' }]");
    expect(report).toContain(`- { name: "New Year", from: '2027-01-01T00:00', to: '2027-01-02T00:00' }`);
    const suggested = parseYaml(/```yaml\n([\s\S]*?)```/.exec(report)![1]!).pacing;
    const settings = parseYaml(readFileSync(join(dir, 'settings.yaml'), 'utf8'));
    expect(
      Settings.safeParse({ ...settings, pacing: { ...settings.pacing, ...suggested } }).error,
    ).toBeUndefined();
  });

  it('exits 0 when everything maps exactly', async () => {
    const dir = fresh();
    const file = join(dir, '..', 'exact.json');
    const journey = JSON.parse(readFileSync(join(FIXTURES, 'welcome', 'journey.json'), 'utf8'));
    delete journey.JourneyResponse.Limits.DailyCap;
    delete journey.JourneyResponse.Limits.MessagesPerSecond;
    journey.JourneyResponse.Activities = {
      controlGroup: { SMS: { TemplateName: 'Thanks', MessageConfig: { MessageType: 'TRANSACTIONAL' } } },
    };
    writeFileSync(file, JSON.stringify(journey));
    const sms = join(dir, '..', 'sms.json');
    writeFileSync(
      sms,
      JSON.stringify({
        SMSTemplateResponse: { TemplateName: 'Thanks', Body: 'Thanks, {{User.UserAttributes.FirstName}}!' },
      }),
    );
    const settings = join(dir, 'settings.yaml');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8')
        .replace('locales: [en, zh-CN]', 'locales: [en]')
        .replace(/^ *- \{ channel: sms.*$/m, ''),
    );
    rmSync(join(dir, 'templates', '_layout', 'zh-CN.yaml'));
    for (const t of readdirSync(join(dir, 'templates')))
      rmSync(join(dir, 'templates', t, 'zh-CN.yaml'), { force: true });
    const r = await runImport([file, sms, '--workflows', dir]);
    expect(r.err).toBe('');
    expect(r.out).toContain('0 approximated, 0 unsupported');
    expect(r.code).toBe(0);
  });

  it('refuses a malformed file naming the file and field, and writes nothing', async () => {
    const dir = fresh();
    const file = join(dir, '..', 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        JourneyResponse: {
          Id: 'x',
          Name: 'Bad',
          Activities: { a: { Wait: { WaitTime: { WaitFor: '3 days' } } } },
        },
      }),
    );
    const r = await runImport([file, '--workflows', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${file} JourneyResponse.Activities.a.Wait.WaitTime.WaitFor: got "3 days"; expected an ISO 8601 duration`,
    );
    expect(readdirSync(dir)).not.toContain('journeys');
  });

  it("never overwrites a journey or template of one's own, and imports again over its own files", async () => {
    const dir = fresh();
    const welcome = join(FIXTURES, 'welcome');
    expect((await runImport([welcome, '--workflows', dir])).code).toBe(3);
    expect((await runImport([welcome, '--workflows', dir])).code).toBe(3);
    const mine = join(dir, 'templates', 'gold-offer', 'en.yaml');
    writeFileSync(mine, 'subject: Mine\ntext: mine\nhtml: <p>mine</p>\n');
    const r = await runImport([welcome, '--workflows', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`did not come from Pinpoint; nothing was written:\n  - ${mine}`);
    expect(readFileSync(mine, 'utf8')).toContain('Mine');
  });

  it('refuses a journey whose template is not in the export, saying how to export it', async () => {
    const dir = fresh();
    const r = await runImport([join(FIXTURES, 'welcome', 'journey.json'), '--workflows', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('aws pinpoint get-email-template --template-name Welcome_Email');
  });

  it('reads the journeys and their templates from the API as the CLI would save them', async () => {
    const pinpoint = mockClient(PinpointClient);
    const journey = JSON.parse(readFileSync(join(FIXTURES, 'welcome', 'journey.json'), 'utf8'));
    pinpoint.on(ListJourneysCommand).resolves({ JourneysResponse: { Item: [journey.JourneyResponse] } });
    pinpoint.on(GetJourneyCommand).resolves(journey);
    for (const name of ['Welcome_Email', 'Gold_Offer', 'Getting_Started_Tips'])
      pinpoint
        .on(GetEmailTemplateCommand, { TemplateName: name })
        .resolves(JSON.parse(readFileSync(join(FIXTURES, 'welcome', `${name}.json`), 'utf8')));
    const files = await fetchPinpointExport(new PinpointClient({ region: 'us-east-1' }), 'app-1');
    expect(pinpoint.commandCalls(GetEmailTemplateCommand)[0]!.args[0].input).toEqual({
      TemplateName: 'Welcome_Email',
      Version: '3',
    });
    expect(files.map((f) => f.source)).toEqual([
      `pinpoint:journey/${journey.JourneyResponse.Id}`,
      'pinpoint:template/Welcome_Email',
      'pinpoint:template/Gold_Offer',
      'pinpoint:template/Getting_Started_Tips',
    ]);
    const dir = fresh();
    const out: string[] = [];
    const code = await importPinpointCommand(
      ['--application-id', 'app-1', '--workflows', dir],
      (s) => out.push(s),
      () => {},
      {
        clock,
        fetch: async () => files,
      },
    );
    expect(code).toBe(3);
    pinpoint.restore();
  });
});
