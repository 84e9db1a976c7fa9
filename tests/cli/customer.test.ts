import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { noteOtherVersions, tableOfStack } from '../../cli/customer';
import { Journey } from '../../domain/journey/schema';
import { runCli } from '../support/cli';
import { firstSmallPurchase, itemsOf, postEvent, startTestRuntime, TEST_NOW } from '../support/local';

/**
 * `rapport customer` and `rapport why` against the local runtime's DynamoDB API (the same API as AWS),
 * seeded through the events API: a first small purchase, run in virtual time past the thank-you email.
 */
const LATE = '2026-11-22T14:00:00Z';

describe('rapport customer and rapport why, on the local runtime', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  const env = ['--local'];
  const saved = { ...process.env };
  beforeAll(async () => {
    time = installVirtualTime(TEST_NOW);
    runtime = await startTestRuntime(time.clock, { sweepEveryMs: 0 });
    const res = await postEvent(
      runtime,
      firstSmallPurchase({ customerId: 'c-why', email: 'why@example.com' }),
    );
    expect(res.status).toBe(202);
    // Past the thank-you, not the 3-day wait: the journey is still in flight, as an operator finds it.
    await time.run(runtime.activity, { until: new Date(Date.parse(TEST_NOW) + 3_600_000) });
    // A purchase at 22:00 in Shanghai: the thank-you waits for the end of quiet hours (09:00 there).
    await time.run(runtime.activity, { until: LATE });
    const late = {
      ...firstSmallPurchase({ eventId: 'e-late', customerId: 'c-late', email: 'late@example.com' }),
      at: LATE,
    };
    expect((await postEvent(runtime, late)).status).toBe(202);
    // Another customer at the same email, with a phone: an address used twice, and one used once.
    const twin = { ...late, eventId: 'e-twin', customerId: 'c-late-twin' };
    const withPhone = { ...twin, customer: { ...twin.customer, phone: '+8613800138000' } };
    expect((await postEvent(runtime, withPhone)).status).toBe(202);
    await time.run(runtime.activity, { until: new Date(Date.parse(LATE) + 1_800_000) });
    // --local finds npm start through the variables that move its ports, as a person who moved them would.
    process.env.RAPPORT_DYNAMODB_PORT = new URL(runtime.urls.dynamodb).port;
    process.env.RAPPORT_STEPFUNCTIONS_PORT = new URL(runtime.urls.stepFunctions).port;
  }, 30_000);
  afterAll(async () => {
    process.env = saved;
    await runtime.stop();
    time.uninstall();
  });

  it('customer prints the purchase, the stage it caused, the journey entry and the sent thank-you, in order', async () => {
    const { code, out, err } = await runCli(['customer', 'c-why', ...env]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const purchase = at(/2026-11-22T10:00:00Z {2}event purchase e-1 received/);
    const stage = at(/stage .* → first-purchase because purchase e-1/);
    const entry = at(/entered first-small-purchase v\d+ because purchase e-1/);
    const sent = at(/first-small-purchase v\d+ step thank-you: email first-purchase-thanks sent/);
    // The steps reached come from Step Functions' history: the table keeps no record of a Wait.
    const step = at(/first-small-purchase: step thank-you$/);
    const waiting = at(/first-small-purchase: step let-it-arrive$/);
    const order = [purchase, stage, entry, step, sent, waiting];
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('why explains the thank-you: the purchase, the entry, the checks passed, the email sent', async () => {
    const [message] = await itemsOf(runtime, 'c-why', 'MESSAGE#');
    const key = String(message?.messageKey);
    const { code, out, err } = await runCli(['why', 'c-why', '--message', key, ...env]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`Message ${key}: first-small-purchase v`);
    expect(out).toMatch(/event purchase e-1 received/);
    expect(out).toMatch(/entered first-small-purchase v\d+ because purchase e-1/);
    // The steps on the way, and none after the message's own.
    expect(out).toMatch(/step thank-you\n.*policy passed/);
    expect(out).not.toContain('let-it-arrive');
    expect(out).toMatch(/policy passed: address, suppression/);
    expect(out).toMatch(/email first-purchase-thanks sent at 2026-11-22T10:00:05/);
    expect(out).toContain('to why@example.com');
    // Without --message: the latest message, the same one here.
    expect((await runCli(['why', 'c-why', ...env])).out).toBe(out);
  });

  it('a message held by quiet hours: deferred until 09:00 in Shanghai, the journey waiting in its quiet-hours step', async () => {
    const customer = await runCli(['customer', 'c-late', ...env]);
    expect(customer.code).toBe(0);
    expect(customer.out).toMatch(
      /step thank-you: email first-purchase-thanks deferred: quiet hours in the customer's time zone, until 2026-11-23T01:00:00.*\n.*step thank-you-deferred\n.*step thank-you-quiet-hours$/m,
    );
    const answer = await runCli(['why', 'c-late', ...env]);
    expect(answer.code).toBe(0);
    expect(answer.out).toContain("policy held by: quiet hours in the customer's time zone");
    expect(answer.out).toContain('entered first-small-purchase v4 because purchase e-late');
  });

  it('says which argument is wrong, and that a customer or message is unknown', async () => {
    const badStage = await runCli(['customer', 'c-why', '--stage', 'Prod!']);
    expect(badStage.code).toBe(2);
    expect(badStage.err).toContain('--stage Prod!: expected a short lowercase name');
    const both = await runCli(['why', 'c-why', '--stage', 'prod', '--local']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('--stage: give it alone');
    const two = await runCli(['customer', 'a', 'b', '--local']);
    expect(two.code).toBe(2);
    expect(two.err).toContain('name one customer id');
    const misplaced = await runCli(['customer', 'c-why', '--message', 'm-1', ...env]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toContain('--message: only rapport why takes it');
    // Without Step Functions' history (gone, refused): the stored records still print, with a note.
    process.env.RAPPORT_STEPFUNCTIONS_PORT = new URL(runtime.urls.api).port;
    const recordsOnly = await runCli(['customer', 'c-why', ...env]);
    process.env.RAPPORT_STEPFUNCTIONS_PORT = new URL(runtime.urls.stepFunctions).port;
    expect(recordsOnly.code).toBe(0);
    expect(recordsOnly.err).toMatch(
      /^note: no steps from Step Functions for first-small-purchase-c-why-\w+ \(/,
    );
    expect(recordsOnly.out).toContain('email first-purchase-thanks sent');
    expect(recordsOnly.out).not.toContain('step let-it-arrive');
    const unknown = await runCli(['customer', 'c-nobody', ...env]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no customer c-nobody');
    const noMessage = await runCli(['why', 'c-why', '--message', 'm-0', ...env]);
    expect(noMessage.code).toBe(1);
    expect(noMessage.err).toMatch(/--message m-0: no such message of this customer; known: [0-9a-f]{32}/);
  });

  it('finds the customer by --email or --phone, and lists the customers sharing one, asking for an id', async () => {
    const byEmail = await runCli(['customer', '--email', ' WHY@example.com', ...env]);
    expect(byEmail.err).toBe('');
    expect(byEmail.code).toBe(0);
    expect(byEmail.out).toBe((await runCli(['customer', 'c-why', ...env])).out);
    const why = await runCli(['why', '--phone', '+86 138 0013 8000', ...env]);
    expect(why.code).toBe(0);
    expect(why.out).toBe((await runCli(['why', 'c-late-twin', ...env])).out);
    const shared = await runCli(['customer', '--email', 'late@example.com', ...env]);
    expect(shared.code).toBe(1);
    expect(shared.err).toContain(
      'rapport customer --email: 2 customers use this address: c-late, c-late-twin; name one by its id',
    );
    const nobody = await runCli(['why', '--phone', '+8613900139000', ...env]);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('rapport why --phone: no customer uses this address in table rapport');
  });

  it('says which argument is wrong when an address is given with an id, or is not one', async () => {
    const both = await runCli(['customer', 'c-why', '--email', 'why@example.com', ...env]);
    expect(both.code).toBe(2);
    expect(both.err).toContain('name one customer id (or --email or --phone)');
    const notEmail = await runCli(['why', '--email', 'why.example.com', ...env]);
    expect(notEmail.code).toBe(2);
    expect(notEmail.err).toContain('--email: expected an email address');
    expect(notEmail.err).not.toContain('why.example.com');
    const notPhone = await runCli(['customer', '--phone', '8613800138000', ...env]);
    expect(notPhone.code).toBe(2);
    expect(notPhone.err).toContain('--phone: expected a phone number in E.164');
  });
});

describe('the deployed table, from the stack of a stage', () => {
  /** A CloudFormation client that answers DescribeStacks with these outputs, and records the stack asked for. */
  const cloudFormation = (outputs: { OutputKey: string; OutputValue: string }[], asked: string[]) =>
    ({
      send: async (command: { input: { StackName: string } }) => {
        asked.push(command.input.StackName);
        return { Stacks: [{ Outputs: outputs }] };
      },
      destroy: () => undefined,
    }) as unknown as CloudFormationClient;

  it('reads the TableName output of <stage>-Rapport (Rapport without a stage), and says when there is none', async () => {
    const asked: string[] = [];
    const outputs = [
      { OutputKey: 'EventsApiUrl', OutputValue: 'https://x/events' },
      { OutputKey: 'TableName', OutputValue: 'prod-Rapport-Table1-ABC' },
    ];
    await expect(tableOfStack(cloudFormation(outputs, asked), 'prod')).resolves.toBe(
      'prod-Rapport-Table1-ABC',
    );
    await expect(tableOfStack(cloudFormation(outputs, asked), undefined)).resolves.toBe(
      'prod-Rapport-Table1-ABC',
    );
    expect(asked).toEqual(['prod-Rapport', 'Rapport']);
    await expect(tableOfStack(cloudFormation([], asked), 'old')).rejects.toThrow(
      'stack old-Rapport has no TableName output',
    );
  });
});

describe('executions of another version than ./workflows has', () => {
  it('are named in a note: the update steps their sends applied cannot be shown from this definition', () => {
    const steps = Journey.parse({
      id: 'win-back',
      version: 3,
      description: 'd',
      entry: { stage: 'dormant' },
      steps: [
        { id: 'gift', type: 'update', addTags: ['gift'] },
        { id: 'offer', type: 'send', channel: 'email', template: 't', topic: 'offers' },
      ],
    }).steps;
    const journeys = [{ id: 'win-back', version: 3, steps }];
    const ran = (journeyVersion: number, n: number) => ({
      executionArn: `arn:x:${n}`,
      journeyId: 'win-back',
      journeyVersion,
      states: [],
    });
    const notes: string[] = [];
    noteOtherVersions([ran(3, 1), ran(2, 2), ran(1, 3), ran(2, 4)], journeys, (s) => notes.push(s));
    expect(notes).toEqual([
      'note: 3 execution(s) of win-back ran version 1, 2, and ./workflows has version 3: ' +
        'an update step their sends applied is not shown',
    ]);
    notes.length = 0;
    noteOtherVersions([ran(3, 1)], journeys, (s) => notes.push(s));
    // No step of a journey without a folded update goes unshown, whatever version ran.
    noteOtherVersions([ran(2, 2)], [{ ...journeys[0]!, steps: steps.slice(1) }], (s) => notes.push(s));
    expect(notes).toEqual([]);
  });
});
