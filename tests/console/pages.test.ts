import { loadWorkflows } from '../../domain/config/load';
import { FINISH, journeyDiagram, START } from '../../domain/journey/graph';
import type { Journey } from '../../domain/journey/schema';
import { addressSearched } from '../../domain/console/search';
import type { Timeline } from '../../domain/console/timeline';
import { customersPage } from '../../local/console/customers';
import { layers } from '../../local/console/diagram';
import { journeyCounts, type ExecutionFacts } from '../../local/console/journey-counts';
import { renderJourney, renderJourneyList } from '../../local/console/journeys';
import { renderOverview, stagesByDay } from '../../local/console/overview';
import { shell, type ConsoleContext } from '../../local/console/pages';
import { CONSOLE_PAGES } from '../../local/console/routes';
import type { MessageFacts } from '../../local/console/snapshot';
import { renderDelivered } from '../../adapters/console/message-html';
import { renderTasks } from '../../local/console/tasks';
import { WORKFLOWS_DIR } from '../support/paths';

const journeys = loadWorkflows(WORKFLOWS_DIR).journeys;
const shipped = (id: string) => journeys.find((j) => j.journey.id === id)!.journey;
const SCRIPT = '<script>alert(1)</script>';

const run = (name: string, states: string[], status = 'RUNNING'): ExecutionFacts => ({
  executionArn: `arn:${name}`,
  status,
  statesEntered: states.map((s) => ({ name: s })),
});
const message = (stepId: string, status: MessageFacts['status'], extra: Partial<MessageFacts> = {}) =>
  ({
    journeyId: 'dormancy-reactivation',
    journeyVersion: 1,
    stepId,
    executionId: 'x',
    channel: 'email',
    status,
    createdAt: '2026-11-22T10:00:00.000Z',
    ...extra,
  }) as MessageFacts;

describe('counts on the steps of a journey', () => {
  const journey = shipped('dormancy-reactivation');
  const executions = [
    run('a', ['holiday-if-near', 'we-miss-you', 'give-it-a-week']),
    run('b', ['holiday-if-near', 'we-miss-you', 'we-miss-you-deferred', 'we-miss-you-quiet-hours']),
    run('c', [
      'holiday-if-near',
      'we-miss-you',
      'give-it-a-week',
      'personal-offer',
      'vip-or-not',
      'then-a-person',
    ]),
    run(
      'd',
      ['holiday-if-near', 'we-miss-you', 'give-it-a-week', 'personal-offer', 'vip-or-not', 'done'],
      'SUCCEEDED',
    ),
  ];
  const messages = [
    message('we-miss-you', 'sent'),
    message('we-miss-you', 'sent'),
    message('we-miss-you', 'deferred', { reason: 'quiet-hours-deferred' }),
    message('we-miss-you', 'sent', { journeyId: 'another-journey' }),
    message('personal-offer', 'skipped', { reason: 'no-consent' }),
    message('personal-offer', 'in-doubt'),
  ];
  const entries = [
    { journeyId: 'dormancy-reactivation', journeyVersion: 2, executionArn: 'arn:a' },
    { journeyId: 'dormancy-reactivation', journeyVersion: 3, executionArn: 'arn:c' },
    { journeyId: 'dormancy-reactivation', journeyVersion: 3, executionArn: 'arn:d', converted: {} },
  ];
  const counts = journeyCounts(journey, executions, messages, entries);

  it('counts each execution once per step, its extra states with it, and where each running one waits', () => {
    expect(counts.steps.get('we-miss-you')).toEqual({
      entered: 4,
      waiting: 1,
      sent: 2,
      skipped: { 'quiet-hours-deferred': 1 },
      inDoubt: 0,
      failed: 0,
      ended: 0,
      goalReached: 0,
      delivered: 0,
      opened: 0,
      clicked: 0,
    });
    expect(counts.steps.get('give-it-a-week')).toMatchObject({ entered: 3, waiting: 1 });
    expect(counts.steps.get('then-a-person')).toMatchObject({ entered: 1, waiting: 1 });
    expect(counts.steps.get('done')).toMatchObject({ entered: 1, waiting: 0 });
  });

  it('counts an update the send after it applies as that send, and sends by outcome', () => {
    expect(counts.steps.get('grant-welcome-back-gift')).toMatchObject({ entered: 2 });
    expect(counts.steps.get('personal-offer')).toMatchObject({
      entered: 2,
      sent: 0,
      skipped: { 'no-consent': 1 },
      inDoubt: 1,
    });
  });

  it("counts a send's messages delivered, opened and clicked, each message once per kind", () => {
    const about = (key: string, stepId = 'we-miss-you', journeyId = 'dormancy-reactivation') => ({
      key,
      journeyId,
      stepId,
    });
    const engaged = journeyCounts(journey, executions, messages, entries, [
      { type: 'email-delivered', about: about('m1') },
      { type: 'email-delivered', about: about('m2') },
      { type: 'email-opened', about: about('m1') },
      { type: 'email-opened', about: about('m1') },
      { type: 'email-clicked', about: about('m1') },
      { type: 'email-clicked', about: about('m9', 'we-miss-you', 'another-journey') },
    ]);
    expect(engaged.steps.get('we-miss-you')).toMatchObject({ delivered: 2, opened: 1, clicked: 1 });
    expect(engaged.steps.get('personal-offer')).toMatchObject({ delivered: 0, opened: 0, clicked: 0 });
  });

  it('gives goal reached and the versions in flight from the journey entries', () => {
    expect(counts).toMatchObject({
      entries: 3,
      goalReached: 1,
      running: 3,
      versionsInFlight: { v2: 1, v3: 1 },
    });
  });
});

describe('where executions ended', () => {
  const journey = shipped('dormancy-reactivation');
  const vip = ['holiday-if-near', 'we-miss-you', 'give-it-a-week', 'personal-offer', 'vip-or-not'];
  const counts = journeyCounts(
    journey,
    [
      // The call's Task ends the run: the compiler spares the Succeed of the exit after it.
      run('vip', [...vip, 'then-a-person', 'relationship-manager-call'], 'SUCCEEDED'),
      run('regular', [...vip, 'done'], 'SUCCEEDED'),
      run('bought', ['holiday-if-near', 'we-miss-you', 'give-it-a-week'], 'ABORTED'),
      run('erased', ['holiday-if-near'], 'ABORTED'),
      run('at-once', [], 'ABORTED'),
    ],
    [],
    [{ journeyId: journey.id, journeyVersion: 4, executionArn: 'arn:bought', converted: {} }],
  );

  it('counts each at its exit, the goal stop and any other in the step it was in, none twice', () => {
    expect(counts.steps.get('done')).toMatchObject({ entered: 2, ended: 2, goalReached: 0 });
    expect(counts.steps.get('relationship-manager-call')).toMatchObject({ entered: 1, ended: 0 });
    expect(counts.steps.get('give-it-a-week')).toMatchObject({ ended: 1, goalReached: 1 });
    expect(counts.steps.get('holiday-if-near')).toMatchObject({ ended: 1, goalReached: 0 });
    expect(counts.steps.get(START)).toMatchObject({ entered: 5, ended: 1 });
    expect([...counts.steps.values()].reduce((n, c) => n + c.ended, 0)).toBe(5);
  });

  it('counts a run that succeeded on a last step that is no exit at the end', () => {
    const birthday = shipped('birthday-greeting');
    const c = journeyCounts(birthday, [run('greeted', ['greet'], 'SUCCEEDED')], [], []);
    expect(c.steps.get(FINISH)).toMatchObject({ entered: 1, ended: 1 });
    expect(c.steps.get('greet')).toMatchObject({ entered: 1, ended: 0 });
  });
});

describe('the diagram layout', () => {
  it('puts every step below each step that leads to it, except along a loop', () => {
    const j = shipped('dormancy-reactivation');
    const d = journeyDiagram(j);
    const layer = layers(d);
    for (const e of d.edges) expect(layer.get(e.to)!).toBeGreaterThan(layer.get(e.from)!);
    expect(layer.get('done')).toBeGreaterThan(layer.get('vip-or-not')!);
  });

  it('lays out a loop back to an earlier step without pushing it down', () => {
    const loop = {
      ...shipped('first-small-purchase'),
      steps: [
        {
          id: 'ask',
          type: 'wait-for-event',
          event: 'purchase',
          timeout: '7d',
          onEvent: 'thanks',
          onTimeout: 'ask',
        },
        { id: 'thanks', type: 'exit' },
      ],
    } as unknown as Journey;
    const layer = layers(journeyDiagram(loop));
    expect([layer.get('(start)'), layer.get('ask'), layer.get('thanks')]).toEqual([0, 1, 2]);
  });
});

describe('the journey page', () => {
  it("draws the journey's exclusive group with the mode settings.yaml gives it", () => {
    const j = { ...shipped('first-small-purchase'), exclusive: 'reactivation', priority: 3 };
    const html = renderJourney(j, journeyCounts(j, [], [], []), {
      reactivation: { onHigherPriority: 'preempt' },
    });
    expect(html).toContain('>exclusive: reactivation, priority 3 (a higher priority: preempt)</text>');
  });
});

describe('escaping', () => {
  it('keeps a journey, step or template name with <script> inert on the journey pages', () => {
    const base = shipped('first-small-purchase');
    const hostile = {
      ...base,
      id: `j${SCRIPT}`,
      description: SCRIPT,
      steps: [{ id: `s${SCRIPT}`, type: 'send', channel: 'email', template: SCRIPT, topic: 'service' }],
    } as unknown as Journey;
    const counts = journeyCounts(hostile, [], [], []);
    for (const html of [renderJourney(hostile, counts), renderJourneyList([{ journey: hostile, counts }])]) {
      expect(html).not.toContain('<script');
      expect(html).toContain('&#60;script&#62;');
    }
  });

  it('keeps stage, tier, journey and channel names with <script> inert on the overview', () => {
    const html = renderOverview({
      customers: [
        { stage: SCRIPT, tier: SCRIPT, stageHistory: [{ to: SCRIPT, at: '2026-11-22T10:00:00Z' }] },
      ],
      messages: [message('s', 'sent', { journeyId: SCRIPT })],
      executions: [{ status: 'FAILED' }],
      today: '2026-11-22T12:00:00Z',
    });
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('<td id="failed-executions" class="bad">1</td>');
  });
});

describe('customers per stage over time', () => {
  it('counts each customer in the stage their history says at the end of each day', () => {
    const history = (...changes: [string, string][]) => changes.map(([to, at]) => ({ to, at }));
    const { days, series } = stagesByDay(
      [
        {
          stage: 'first-purchase',
          tier: 'regular',
          stageHistory: history(
            ['prospect', '2026-11-20T23:00:00Z'],
            ['first-purchase', '2026-11-22T01:00:00Z'],
          ),
        },
        {
          stage: 'first-purchase',
          tier: 'regular',
          stageHistory: history(['first-purchase', '2026-11-21T10:00:00Z']),
        },
        { stage: 'prospect', tier: 'regular' },
      ],
      '2026-11-22T12:00:00Z',
    );
    // A week at least, ending today.
    expect(days).toEqual(['16', '17', '18', '19', '20', '21', '22'].map((d) => `2026-11-${d}`));
    expect(series.map((s) => [s.name, s.values.slice(4)])).toEqual([
      ['first-purchase', [0, 1, 2]],
      ['prospect', [1, 1, 0]],
    ]);
    expect(series.flatMap((s) => s.values.slice(0, 4))).toEqual(new Array(8).fill(0));
  });
});

describe('the console shell', () => {
  it('links every page in the nav, marks the current one, and links the inbox, outbox and tasks', () => {
    const html = shell(
      CONSOLE_PAGES,
      { inbox: 'http://127.0.0.1:4001/', outbox: '/_local/outbox', tasks: '/_local/tasks' },
      { path: '/journeys', title: 'Journeys' },
      '',
    );
    const links = [...html.matchAll(/<a href="([^"]*)"( class="here")?>([^<]*)<\/a>/g)].map(
      ([, href, here, name]) => `${name} ${href}${here ? ' *' : ''}`,
    );
    expect(links).toEqual([
      'Overview /',
      'Journeys /journeys *',
      'Experiments /experiments',
      'Customers /customers',
      'Inbox http://127.0.0.1:4001/',
      'SMS outbox /_local/outbox',
      'Tasks /_local/tasks',
    ]);
  });
});

describe('the customers page, searched by an address', () => {
  const AT = '2026-11-22T10:00:00Z';
  /** A store where `twin@example.com` is used by c-1 and c-2, and the customer `a@b.c` has that id. */
  const ctx = {
    inbox: '/inbox',
    tasksPage: '/tasks',
    tasks: () => [],
    customersAt: async (key: string) =>
      key === addressSearched('twin@example.com')?.key ? ['c-1', 'c-2'] : [],
    customer: async (customerId: string): Promise<Timeline> => ({
      customerId,
      entries:
        customerId === 'a@b.c'
          ? [{ type: 'event', at: AT, eventId: 'e-1', eventType: 'purchase', pending: false }]
          : [],
    }),
  } as unknown as ConsoleContext;
  const page = (id: string) => customersPage(ctx, new URLSearchParams({ id }));

  it('lists every customer using it, each a link by id, the address only in the search box', async () => {
    const html = await page('Twin@example.com');
    expect(html).toContain('2 customers use this email address');
    expect(html).toContain('<a href="/customers?id=c-1">c-1</a>');
    expect(html).toContain('<a href="/customers?id=c-2">c-2</a>');
    expect(html.match(/twin@example\.com/gi)).toEqual(['Twin@example.com']);
    expect(html).toContain('value="Twin@example.com"');
  });

  it('takes an email no one uses as a customer id, when a customer has it', async () => {
    const asId = await page('a@b.c');
    expect(asId).toContain('purchase e-1');
    expect(asId).not.toContain('No customer uses');
    expect(await page('x@b.c')).toContain('No customer uses this email address');
  });
});

describe("a message's content and the tasks, with markup in every field", () => {
  it('keeps an SMS body, an email header and its HTML part inert, and a task title too', () => {
    const links = { inbox: '/inbox', outbox: '/_local/outbox' };
    const sms = renderDelivered(
      { kind: 'sms', sms: { messageId: SCRIPT, at: SCRIPT, to: SCRIPT, body: SCRIPT, parts: 1 } },
      links,
    );
    const email = renderDelivered(
      {
        kind: 'email',
        email: { messageId: 'm', from: SCRIPT, to: [SCRIPT], subject: SCRIPT, text: SCRIPT, html: SCRIPT },
      },
      links,
    );
    const task = {
      taskId: 't',
      at: SCRIPT,
      customerId: SCRIPT,
      journeyId: 'j',
      stepId: 's',
      assignee: SCRIPT,
    };
    const tasks = renderTasks([{ ...task, title: SCRIPT, priority: SCRIPT }]);
    for (const html of [sms, email, tasks]) {
      expect(html).not.toContain('<script');
      expect(html).toContain('&#60;script&#62;');
    }
    // The HTML part only as an escaped srcdoc of an iframe whose sandbox allows nothing.
    expect(email).toContain(
      `sandbox referrerpolicy="no-referrer" srcdoc="&#60;base target=&#34;_blank&#34;&#62;&#60;script&#62;`,
    );
    expect(renderDelivered({ kind: 'absent', why: SCRIPT }, links)).not.toContain('<script');
  });
});
