import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { trackableLinks } from '../../local/engagement';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { httpRequest } from '../support/http';
import { installVirtualTime } from '../../local/virtual-time';
import { WORKFLOWS_DIR, inbox, itemsOf, postEvent, type InboxEmail } from '../support/local';
import { pinArms, type PinnedArms } from '../support/pin-arms';
import { Scenario } from './scenario-schema';

export { Scenario };

/**
 * Scenarios are written for marketing to read: customers, what they do and when, and exactly what
 * Rapport must do in return (messages with template, locale and time; tasks; stages; conversions).
 * They run the compiled journeys on the local runtime, with the real handlers, on virtual time.
 */
export interface ScenarioOutcome {
  messages: Scenario['expect']['messages'];
  /** What actually arrived, per customer: emails in the local SES inbox, texts in the SMS outbox. */
  delivered: Record<string, { email: number; sms: number }>;
  tasks: Scenario['expect']['tasks'];
  stages: Record<string, string>;
  tiers: Record<string, string>;
  conversions: Scenario['expect']['conversions'];
  /** Of the customers the scenario expects tags of. */
  tags: Record<string, string[]>;
}

export function loadScenario(name: string): Scenario {
  return Scenario.parse(parse(readFileSync(join(__dirname, name), 'utf8')));
}

const iso = (d: Date | string) => new Date(d).toISOString();

const pinsOf = (scenario: Scenario): PinnedArms =>
  Object.fromEntries(Object.entries(scenario.customers).map(([id, c]) => [id, c.arms]));

/** The shipped workflows, or a copy of them with the scenario's own journeys and templates added. */
function withJourneys(
  files: readonly string[],
  shipped: boolean,
  templates: readonly string[] = [],
  controlGroup?: Scenario['controlGroup'],
  waitGroups: readonly string[] = [],
): string {
  const unchanged = files.length === 0 && templates.length === 0 && waitGroups.length === 0;
  if (unchanged && shipped && !controlGroup) return WORKFLOWS_DIR;
  const dir = join(mkdtempSync(join(tmpdir(), 'rapport-scenario-')), 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  if (!shipped) rmSync(join(dir, 'journeys'), { recursive: true });
  mkdirSync(join(dir, 'journeys'), { recursive: true });
  for (const file of files) copyFileSync(resolve(__dirname, file), join(dir, 'journeys', basename(file)));
  for (const folder of templates)
    cpSync(resolve(__dirname, folder), join(dir, 'templates', basename(folder)), { recursive: true });
  if (controlGroup) {
    const settings = join(dir, 'settings.yaml');
    const text = readFileSync(settings, 'utf8').replace(/^controlGroup:.*$/m, '');
    writeFileSync(settings, `${text}\ncontrolGroup: ${JSON.stringify(controlGroup)}\n`);
  }
  const settings = join(dir, 'settings.yaml');
  for (const group of waitGroups) {
    const groupBlock = new RegExp(`(^  ${group}:\n(?:    .*\n)*?    onHigherPriority:) preempt$`, 'm');
    const text = readFileSync(settings, 'utf8');
    if (!groupBlock.test(text)) throw new Error(`no exclusive group ${group} in settings.yaml`);
    writeFileSync(settings, text.replace(groupBlock, '$1 wait'));
  }
  return dir;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioOutcome> {
  const time = installVirtualTime(scenario.start);
  const runtime = await startLocalRuntime({
    workflowsDir: withJourneys(
      scenario.journeys,
      scenario.shippedJourneys,
      scenario.templates,
      scenario.controlGroup,
      scenario.waitGroups,
    ),
    clock: time.clock,
    sweepEveryMs: scenario.sweepEvery === 'hourly' ? 3_600_000 : 86_400_000,
    decorateStore: (store) => pinArms(store, pinsOf(scenario)),
    // Every daily sweep reads every shard: two (of the 16 `npm start` keeps) still spread customers over
    // more than one, and cut the year-and-a-half scenarios' queries eightfold.
    dueShards: 2,
  });
  try {
    const events: { at: string; body?: { eventId: string }; engage?: Engage }[] = Object.entries(
      scenario.customers,
    )
      .flatMap(([id, c]) => [
        ...c.purchases.map((p, i) => ({
          at: p.ingestedAt ?? p.at,
          body: {
            eventId: `${id}-purchase-${i + 1}`,
            type: 'purchase',
            customerId: id,
            at: iso(p.at),
            amount: p.amount,
            currency: p.currency,
          },
        })),
        ...c.feedback.map((f, i) => ({
          at: f.at,
          body: { ...f, eventId: `${id}-feedback-${i + 1}`, type: 'feedback', customerId: id, at: iso(f.at) },
        })),
        ...c.complaints.map((f, i) => ({
          at: f.at,
          body: {
            ...f,
            eventId: `${id}-complaint-${i + 1}`,
            type: 'complaint',
            customerId: id,
            at: iso(f.at),
          },
        })),
        ...c.events.map((e, i) => ({
          at: e.at,
          body: { ...e, eventId: `${id}-${e.type}-${i + 1}`, customerId: id, at: iso(e.at) },
        })),
        ...c.engagement.map((e) => ({ at: e.at, engage: { ...e, customer: id, email: c.email } })),
      ])
      .sort((a, b) => a.at.localeCompare(b.at));
    // Everyone is known (email, locale, attributes) before anything happens.
    for (const [id, c] of Object.entries(scenario.customers)) {
      const res = await postEvent(runtime, {
        eventId: `${id}-profile`,
        type: 'profile',
        customerId: id,
        at: iso(scenario.start),
        customer: {
          email: c.email,
          locale: c.locale,
          firstName: c.firstName,
          timeZone: c.timeZone,
          phone: c.phone,
          preferredChannel: c.preferredChannel,
          consent: c.consent,
          attributes: c.attributes,
        },
      });
      if (res.status !== 202) throw new Error(`profile for ${id}: ${res.status} ${res.text}`);
    }
    for (const { at, body, engage: action } of events) {
      await time.run(runtime.activity, { until: at });
      if (action) {
        await engage(runtime, action);
        continue;
      }
      const res = await postEvent(runtime, body);
      if (res.status !== 202) throw new Error(`${body!.eventId}: ${res.status} ${res.text}`);
    }
    await time.run(runtime.activity, { until: scenario.until });

    const outcome: ScenarioOutcome = {
      messages: [],
      delivered: {},
      tasks: [],
      stages: {},
      tiers: {},
      conversions: [],
      tags: {},
    };
    const emails = await inbox(runtime);
    for (const [id, c] of Object.entries(scenario.customers)) {
      outcome.delivered[id] = {
        email: emails.filter((e) => e.destination.to.some((t) => t.includes(c.email))).length,
        sms: runtime.outbox.messages.filter((m) => c.phone !== undefined && m.to === c.phone).length,
      };
      for (const item of await itemsOf(runtime, id)) {
        const sk = String(item.sk);
        if (sk === 'PROFILE') {
          outcome.stages[id] = String(item.stage);
          outcome.tiers[id] = String(item.tier);
          if (id in scenario.expect.tags)
            outcome.tags[id] = ((item.tags as string[] | undefined) ?? []).sort();
        } else if (sk.startsWith('MESSAGE#') && item.status === 'sent') {
          const message = {
            customer: id,
            template: String(item.template),
            locale: String(item.locale),
            channel: item.channel === 'sms' ? ('sms' as const) : ('email' as const),
            at: iso(String(item.sentAt)),
          };
          outcome.messages.push({ ...message, ...containedIn(message, emails, c.email, scenario) });
        } else if (sk.startsWith('JOURNEY#') && item.converted) {
          outcome.conversions.push({ customer: id, journey: String(item.journeyId) });
        }
      }
    }
    for (const t of runtime.tasks) {
      outcome.tasks.push({
        customer: String(t.detail.customerId),
        assignee: String(t.detail.assignee),
        at: iso(t.time),
      });
    }
    return normalised(outcome);
  } finally {
    await runtime.stop();
    time.uninstall();
  }
}

type Engage = Scenario['customers'][string]['engagement'][number] & { customer: string; email: string };

/**
 * The customer opens or clicks the email of this template sent them last, as the console's buttons do:
 * the local runtime reports it as SES would (SNS → delivery-events), and the journeys waiting on it move.
 */
async function engage(runtime: LocalRuntime, e: Engage): Promise<void> {
  const sent = (await itemsOf(runtime, e.customer, 'MESSAGE#')).filter(
    (m) => m.template === e.template && m.status === 'sent' && m.channel === 'email',
  );
  const messageId = String(sent.at(-1)?.providerMessageId ?? '');
  const email = (await inbox(runtime, e.email)).find((m) => m.messageId === messageId);
  if (!email) throw new Error(`${e.customer} has no email of ${e.template} to ${e.action} at ${e.at}`);
  const link = trackableLinks(email.body.html ?? '')[0];
  if (e.action === 'click' && !link) throw new Error(`${e.template} has no tracked link to click`);
  const res = await httpRequest(`${runtime.urls.api}/_local/engage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageId, action: e.action, ...(e.action === 'click' ? { link } : {}) }),
  });
  if (res.status !== 200)
    throw new Error(`${e.customer} ${e.action} ${e.template}: ${res.status} ${res.text}`);
}

/**
 * The `contains` the scenario expects of this message, when its email (to this customer, with this
 * subject) has that text in its subject and text part: so a missing or wrong product name fails the test.
 */
function containedIn(
  message: { customer: string; template: string; at: string },
  emails: readonly InboxEmail[],
  address: string,
  scenario: Scenario,
): { contains?: string } {
  const wanted = scenario.expect.messages.find(
    (m) => m.customer === message.customer && m.template === message.template && m.contains !== undefined,
  )?.contains;
  if (wanted === undefined) return {};
  const sent = emails.filter((e) => e.destination.to.some((t) => t.includes(address)));
  const found = sent.some((e) => e.subject.includes(wanted) && (e.body.text ?? '').includes(wanted));
  return found ? { contains: wanted } : {};
}

/** What the scenario file says, normalised the way the outcome is, for a single toEqual. */
export function expected(scenario: Scenario): ScenarioOutcome {
  const count = (id: string, channel: 'email' | 'sms') =>
    scenario.expect.messages.filter((m) => m.customer === id && m.channel === channel).length;
  return normalised({
    messages: scenario.expect.messages.map((m) => ({ ...m, at: iso(m.at) })),
    delivered: Object.fromEntries(
      Object.keys(scenario.customers).map((id) => [id, { email: count(id, 'email'), sms: count(id, 'sms') }]),
    ),
    tasks: scenario.expect.tasks.map((t) => ({ ...t, at: iso(t.at) })),
    stages: scenario.expect.stages,
    tiers: scenario.expect.tiers,
    conversions: [...scenario.expect.conversions],
    tags: Object.fromEntries(
      Object.entries(scenario.expect.tags).map(([id, tags]) => [id, [...tags].sort()]),
    ),
  });
}

/**
 * Sorted by time, and within one instant by content, so that what happens at the same instant (two
 * messages to one customer at 09:00) compares as a set: storage order says nothing a scenario cares about,
 * while the order across instants still counts because each record carries its time.
 */
function byTimeThenContent<T extends { at?: string; customer: string }>(a: T, b: T): number {
  const content = (x: T) => JSON.stringify(Object.entries(x).sort(([k], [l]) => k.localeCompare(l)));
  return (
    (a.at ?? '').localeCompare(b.at ?? '') ||
    a.customer.localeCompare(b.customer) ||
    content(a).localeCompare(content(b))
  );
}

/** The outcome in the one order both sides are compared in (see byTimeThenContent). */
export function normalised(outcome: ScenarioOutcome): ScenarioOutcome {
  return {
    ...outcome,
    messages: [...outcome.messages].sort(byTimeThenContent),
    tasks: [...outcome.tasks].sort(byTimeThenContent),
    conversions: [...outcome.conversions].sort(byTimeThenContent),
  };
}

/**
 * Registers the scenario in `file` (beside this module) as one test, named by its title. A scenario runs
 * on virtual time, so a slow machine changes nothing it checks; the generous real-time limit only stops a
 * hang (the longest, a year and a half of daily sweeps, takes 10 s alone on a developer's machine and
 * more than twice that on a busy CI machine).
 */
export function scenarioTest(file: string): void {
  const scenario = loadScenario(file);
  test(
    scenario.title,
    async () => {
      expect(await runScenario(scenario)).toEqual(expected(scenario));
    },
    240_000,
  );
}
