import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../../cli/main';
import { workflowsWith } from '../support/workflows';

const ROOT = join(__dirname, '..', '..');

/**
 * `rapport validate` through the real binary, as CI and a user run it, on a scratch copy of the shipped
 * workflows with `files` replaced.
 */
function validateThroughBinary(files: Record<string, string | null>) {
  const wf = workflowsWith(files);
  try {
    return spawnSync(process.execPath, [join(ROOT, 'bin', 'rapport.cjs'), 'validate', wf.dir], {
      encoding: 'utf8',
    });
  } finally {
    wf.cleanup();
  }
}

function capture(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rapport CLI', () => {
  it('validate: exits 0 and summarises the shipped workflows', () => {
    const { code, out } = capture(['validate', join(ROOT, 'workflows')]);
    expect(code).toBe(0);
    expect(out).toContain(
      '11 journey(s), 7 lifecycle stage(s), 2 tier(s), 18 template(s) in en, zh-CN: all valid',
    );
    // The declared events, and how many of their properties are personal data.
    expect(out).toContain('  settings.yaml customEvents: product-viewed, 5 properties (1 personal data)');
    // SMS texts are measured in billed parts: Chinese is UCS-2, 70 characters a part.
    expect(out).toContain('SMS length (marketing, with the opt-out line and a 10-character first name):');
    expect(out).toMatch(/^ {2}personal-offer zh-CN: \d+ characters, UCS-2, 1 part$/m);
    expect(out).toMatch(/^ {2}personal-offer en: \d+ characters, GSM-7, 1 part$/m);
  });

  it('validate: exits non-zero naming file:line:column and field for an invalid journey', () => {
    const result = validateThroughBinary({
      'journeys/first-small-purchase.yaml':
        'id: first-small-purchase\nversion: 1\ndescription: d\nentry: { stage: first-purchase }\nsteps:\n  - { id: w, type: wait, duration: soon }\n',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /journeys\/first-small-purchase\.yaml:6:36 steps\[0\]\.duration: got "soon"; expected a duration/,
    );
  });

  it('validate: names file:line:column of each new check (limits, holdout, YAML, templates) in one run', () => {
    const result = validateThroughBinary({
      'journeys/first-small-purchase.yaml': `id: first-small-purchase
version: 1
description: d
entry: { event: purchase }
steps:
  - id: test
    type: split
    paths:
      - { name: offer, percent: 90, next: remind }
      - { name: control, percent: 10, next: thanks, holdout: true }
  - { id: remind, type: wait-for-event, event: purchase, timeout: 30d, onEvent: done, onTimeout: thanks }
  - id: thanks
    type: send
    channel: email
    template: first-purchase-thanks
    category: transactional
    next: remind
  - { id: done, type: exit }
`,
      'templates/first-purchase-tips/en.yaml': 'subject: Tip: read this\ntext: t\nhtml: h\n',
      'templates/check-in/en.yaml':
        'subject: Hi\ntext: |\n  Hello {{ customer.frstName | default: "there" }}\nhtml: <p>{{ brand.name | upcas }}</p>\n',
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('  - '));
    const expected = [
      /journeys\/first-small-purchase\.yaml:10:62 steps\[0\]\.paths\[1\]\.holdout: got "holdout path \\"control\\" of split \\"test\\" reaches send \\"thanks\\" \(test → thanks\)"; expected a holdout path that sends nothing/,
      /journeys\/first-small-purchase\.yaml:11:5 steps\[1\]: got "loop remind → thanks → remind \(each round up to 32 days and ~\d+ history eve.*"; expected a journey without loops/,
      /templates\/check-in\/en\.yaml:3:9 text: got "{{ customer\.frstName \| default: \\"there\\" }}"; expected a variable a message has/,
      /templates\/check-in\/en\.yaml:4:10 html: got "{{ brand\.name \| upcas }}"; expected a Liquid filter \("upcas" is not one/,
      /templates\/first-purchase-tips\/en\.yaml:1:\d+ YAML: got "subject: Tip: read this"; expected .*quote a value that contains ": "/,
    ];
    expect(lines).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(lines[i]).toMatch(pattern));
  });

  it('graph: prints a Mermaid flowchart of a journey', () => {
    const { code, out } = capture(['graph', 'first-small-purchase', join(ROOT, 'workflows')]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('flowchart TD');
    expect(out).toContain('s_let_it_arrive{{"let-it-arrive: wait 3d"}}');
    expect(out).toContain('s_thank_you --> s_let_it_arrive');
  });

  it('graph: names the known journeys when asked for an unknown one', () => {
    const { code, err } = capture(['graph', 'nope', join(ROOT, 'workflows')]);
    expect(code).toBe(2);
    expect(err).toContain(
      'no journey "nope"; known: birthday-greeting, dormancy-reactivation, first-small-purchase, loyal-appreciation, mid-autumn-greeting, nps-survey, post-purchase-check-in, referral-invitation, service-recovery, spring-festival-greeting',
    );
  });

  it('schema --check: the committed JSON Schemas are generated from the current zod schemas', () => {
    const cwd = process.cwd();
    try {
      process.chdir(ROOT);
      const { code, err } = capture(['schema', '--check']);
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  it('npm run validate works from the repository root', () => {
    const out = execFileSync('npm', ['run', '--silent', 'validate'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('all valid');
  });
});
