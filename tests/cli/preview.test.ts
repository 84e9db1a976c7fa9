import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeMime } from '../../adapters/email/ses-mailer';
import { memoryStore } from '../../adapters/memory/stores';
import { previewCommand } from '../../cli/preview';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { newProfile } from '../../domain/lifecycle/apply';
import { PLACEHOLDER_BASE_URL, PLACEHOLDER_SECRET, previewSend } from '../../domain/messages/preview';
import { createRenderer } from '../../domain/messages/render';
import { sendMessage, type SendMessageInput } from '../../domain/messages/send';
import { smsLength } from '../../domain/messages/sms';
import type { RawEmail, SmsMessage } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';
import { workflowsWith } from '../support/workflows';

const workflows = loadWorkflows(WORKFLOWS_DIR);
// Noon in Shanghai (the default time zone): no quiet hours for the send path to wait out.
const NOW = '2026-11-22T04:00:00.000Z';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rapport-preview-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function preview(args: string[], workflowsDir = WORKFLOWS_DIR) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await previewCommand(
    [args[0] ?? '', workflowsDir, '--out', join(dir, 'out'), ...args.slice(1)],
    (s) => out.push(s),
    (s) => err.push(s),
    new Date(NOW),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function customerFile(data: object): string {
  const path = join(dir, 'customer.json');
  writeFileSync(path, JSON.stringify(data));
  return path;
}

/** The profile of a new customer with `fields`: what the send path is compared on. */
function profileWith(customerId: string, fields: Partial<Profile>): Profile {
  return { ...newProfile(customerId, workflows.lifecycle, new Date(NOW)), ...fields };
}

/** What the send path gives this customer for the step the preview stands for (same links, same clock). */
async function sent(profile: Profile, input: SendMessageInput) {
  const store = memoryStore();
  await store.putProfile({ ...profile, version: 1 });
  const kept: { email?: RawEmail; sms?: SmsMessage } = {};
  const result = await sendMessage(input, {
    store,
    clock: fixedClock(NOW),
    renderer: createRenderer(workflows),
    settings: workflows.settings,
    sender: `${workflows.settings.brand.name} <hello@rapport.local>`,
    publicBaseUrl: PLACEHOLDER_BASE_URL,
    linkSecret: async () => PLACEHOLDER_SECRET,
    mailer: { send: async (e) => ((kept.email = e), { messageId: 'm-1' }) },
    sms: { send: async (m) => ((kept.sms = m), { messageId: 's-1' }) },
  });
  expect(result.status).toBe('sent');
  return kept;
}

const WE_MISS_YOU = readFileSync(join(WORKFLOWS_DIR, 'templates', 'we-miss-you', 'en.yaml'), 'utf8');
const HELLO = '<p>Hello {{ customer.firstName | default: "there" }},</p>';
/** The html greeting's index among the file's lines: its line number less one. */
const HELLO_LINE = WE_MISS_YOU.split('\n').findIndex((l) => l.includes(HELLO));
const weMissYou = (greeting: string) => WE_MISS_YOU.replace(HELLO, greeting);

// nodemailer draws each multipart boundary at random: the rest of the message must be the same bytes.
const sameBoundaries = (mime: string) => mime.replace(/--_NmP-[0-9a-f]+-Part_\d+/g, '--boundary');

describe('rapport preview', () => {
  it('email: writes the HTML and the MIME message the send path composes for the same customer', async () => {
    const customer = { firstName: 'Li', email: 'li@example.com', locale: 'en' };
    const file = customerFile({ customerId: 'c-42', ...customer });
    const { code, out } = await preview(['we-miss-you', '--customer', file]);
    expect(code).toBe(0);
    expect(out).toContain('we-miss-you (en), as journey dormancy-reactivation, step we-miss-you sends it');

    const profile = profileWith('c-42', customer);
    const { email } = await sent(profile, previewSend(workflows, 'we-miss-you', profile));
    const html = readFileSync(join(dir, 'out', 'we-miss-you.en.html'), 'utf8');
    const eml = readFileSync(join(dir, 'out', 'we-miss-you.en.eml'), 'utf8');
    expect(html).toBe(email?.html);
    expect(sameBoundaries(eml)).toBe(sameBoundaries((await composeMime(email!)).toString()));
    expect(eml).toMatch(
      /^List-Unsubscribe:\s+<https:\/\/placeholder-for-preview\.invalid\/unsubscribe\?token=/m,
    );
    expect(out).toContain(`Subject: ${email?.subject}`);
    expect(out).toContain('(placeholder links: https://placeholder-for-preview.invalid');
  });

  it('SMS: the text the send path hands the provider, its encoding and its parts', async () => {
    const customer = { firstName: '明月', phone: '+8613800138000', locale: 'zh-TW' };
    const file = customerFile({ customerId: 'c-43', ...customer });
    const { code, out } = await preview(['personal-offer', '--customer', file]);
    expect(code).toBe(0);
    // No zh-TW version: the send writes in the same language's zh-CN, and so does the preview.
    expect(out).toContain('personal-offer (zh-CN), as journey');

    const profile = profileWith('c-43', customer);
    profile.consent.sms = { status: 'subscribed', at: NOW, source: 'test' };
    const input = { ...previewSend(workflows, 'personal-offer', profile), channel: 'sms' as const };
    const { sms } = await sent(profile, input);
    const body = sms?.body ?? '';
    expect(readFileSync(join(dir, 'out', 'personal-offer.zh-CN.sms.txt'), 'utf8')).toBe(`${body}\n`);
    const { parts, units } = smsLength(body);
    expect(out).toContain(`    | ${body}`);
    expect(out).toContain(`UCS-2, ${[...body].length} characters (${units} UTF-16 units), ${parts} part`);
  });

  it('fails on a variable no message has, naming the file, the line and the variable', async () => {
    const wf = workflowsWith({
      'templates/we-miss-you/en.yaml': weMissYou(
        '<p>Hello {{ customer.frstName }},</p>\n  <p>{{ customer.attributes.viewedProduct }}</p>',
      ),
    });
    try {
      const { code, err } = await preview(['we-miss-you', '--sample'], wf.dir);
      expect(code).toBe(1);
      const lines = err.split('\n');
      expect(lines[0]).toBe('rapport preview we-miss-you: the template does not render:');
      const line = HELLO_LINE + 1;
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(
          new RegExp(
            `templates/we-miss-you/en\\.yaml:${line}:12 html: got "\\{\\{ customer\\.frstName \\}\\}"; expected a variable a message has \\("customer\\.frstName" is none of them`,
          ),
        ),
        // One mistake, one problem: not again for .viewedProduct once customer.attributes is reported.
        expect.stringMatching(
          new RegExp(
            `templates/we-miss-you/en\\.yaml:${line + 1}:6 html: .*"customer\\.attributes" is none of them`,
          ),
        ),
      ]);
    } finally {
      wf.cleanup();
    }
  });

  it('warns of a variable this customer has no value for, where no default stands in', async () => {
    const wf = workflowsWith({
      'templates/we-miss-you/en.yaml': weMissYou('<p>Hello {{ customer.firstName }},</p>'),
    });
    try {
      const file = customerFile({ email: 'li@example.com', locale: 'en' });
      const { code, out } = await preview(['we-miss-you', '--customer', file], wf.dir);
      expect(code).toBe(0);
      expect(out).toContain(
        '  warning: we-miss-you/en.yaml html, line 1 of it: {{ customer.firstName }} renders empty: this customer has no customer.firstName',
      );
      // The subject's {% if customer.firstName %} stands in: no warning for it.
      expect(out.match(/warning/g)).toHaveLength(1);
    } finally {
      wf.cleanup();
    }
  });

  it('refuses a customer file field by field: the file, the field, the value and what was expected', async () => {
    const file = customerFile({ frstName: 'Li', phone: '0138', firstPurchase: { at: 'yesterday' } });
    const { code, err } = await preview(['we-miss-you', '--customer', file]);
    expect(code).toBe(1);
    expect(err).toContain(`--customer ${file} is not a customer profile:`);
    expect(err).toContain(`${file} phone: got "0138"; expected a phone number in E.164 form`);
    expect(err).toContain(`${file} firstPurchase.at: got "yesterday"; expected an ISO 8601 time`);
    expect(err).toContain(`${file} frstName: got "Li"; expected no such field here`);
  });

  it('lists the locales the template has when asked for another', async () => {
    const { code, err } = await preview(['we-miss-you', '--locale', 'fr']);
    expect(code).toBe(2);
    expect(err).toBe('rapport preview we-miss-you: no "fr" version; the template has: en, zh-CN');
  });
});
