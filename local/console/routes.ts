import type { ServerResponse } from 'node:http';
import { stateMachineName } from '../../domain/journey/state-machine-name';
import type { LocalHttpApi } from '../http-api';
import { localStateMachineArn, type LocalStepFunctions } from '../stepfunctions';
import { journeyCounts, type ExecutionFacts } from './journey-counts';
import { customersPage } from './customers';
import { renderJourney, renderJourneyList } from './journeys';
import { renderOverview } from './overview';
import { renderExperiments } from './experiments';
import { experiments } from '../../domain/console/experiments';
import { programMeasure } from '../../domain/console/program';
import type { ControlGroup } from '../../domain/config/interplay';
import type { GroupModes } from '../../domain/journey/graph';
import { shell, type ConsoleContext, type ConsoleLinks, type ConsolePage } from './pages';
import type { LoadedJourney } from '../../domain/config/load';
import type { ExecutionHistory } from '../../domain/console/executions';
import { buildTimeline, type CustomerItems } from '../../domain/console/timeline';
import { readSnapshot, type StoreSnapshot } from './snapshot';
import { deliveredContent, type DeliveredSources } from './delivered';
import { consoleTasks, renderTasks } from './tasks';
import type { LocalBusEvent } from '../eventbridge';

/** The console's own pages, in nav order. Another page (a customer's timeline) is mounted by adding it here. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: '/',
    title: 'Overview',
    inNav: true,
    render: async (ctx) => {
      const { customers, messages, entries } = await ctx.snapshot();
      const program = programMeasure(entries, ctx.controlGroup?.());
      return renderOverview({
        customers,
        messages,
        executions: ctx.executions(),
        today: ctx.now().toISOString(),
        ...(program ? { program } : {}),
      });
    },
  },
  {
    path: '/journeys',
    title: 'Journeys',
    inNav: true,
    render: async (ctx) => {
      const snap = await ctx.snapshot();
      const rows = ctx.journeys().map(({ journey }) => ({
        journey,
        counts: journeyCounts(
          journey,
          ctx.executions(journey.id),
          snap.messages,
          snap.entries,
          snap.engagement,
        ),
      }));
      return renderJourneyList(rows);
    },
  },
  {
    path: '/experiments',
    title: 'Experiments',
    inNav: true,
    render: async (ctx) => {
      const { decisions, entries, verdicts } = await ctx.snapshot();
      const journeys = ctx.journeys().map(({ journey }) => journey);
      return renderExperiments(experiments(journeys, decisions, entries, verdicts));
    },
  },
  {
    path: '/customers',
    title: 'Customers',
    inNav: true,
    render: customersPage,
  },
  {
    path: '/tasks',
    title: 'Tasks',
    // In the nav as one of the links beside the console (ConsoleLinks.tasks), where it always was.
    inNav: false,
    render: async (ctx) => renderTasks(ctx.tasks()),
  },
  {
    path: '/journey',
    title: 'Journey',
    inNav: false,
    render: async (ctx, query) => {
      const found = ctx.journeys().find((j) => j.journey.id === query.get('id'));
      if (!found) return undefined;
      const { messages, entries, engagement } = await ctx.snapshot();
      const { journey } = found;
      return renderJourney(
        journey,
        journeyCounts(journey, ctx.executions(journey.id), messages, entries, engagement),
        ctx.exclusiveGroups?.(),
      );
    },
  },
];

export interface ConsoleSources {
  stepFunctions: Pick<LocalStepFunctions, 'listExecutions'>;
  journeys: () => readonly LoadedJourney[];
  controlGroup?: () => ControlGroup | undefined;
  exclusiveGroups?: () => GroupModes;
  snapshot: () => Promise<StoreSnapshot>;
  now: () => Date;
  /** One customer's stored records (the partition and the tombstone of an erasure). */
  customerItems: (customerId: string) => Promise<CustomerItems>;
  /** The ids of the customers using an address, by its key (the address index). */
  customersAt: (addressKey: string) => Promise<string[]>;
  /** Where sent emails and texts are kept on this machine (the SES emulator, the SMS outbox). */
  delivered: DeliveredSources;
  /** The tasks for people on the event bus (tasksOf), as published. */
  taskEvents: () => readonly LocalBusEvent[];
  links: ConsoleLinks;
}

/** Serves each page at its path on the events API's port. Pages log nothing: they show personal data. */
export function mountConsole(
  api: LocalHttpApi,
  sources: ConsoleSources,
  pages: readonly ConsolePage[] = CONSOLE_PAGES,
): void {
  const ctx: ConsoleContext = {
    snapshot: sources.snapshot,
    journeys: sources.journeys,
    ...(sources.controlGroup ? { controlGroup: sources.controlGroup } : {}),
    ...(sources.exclusiveGroups ? { exclusiveGroups: sources.exclusiveGroups } : {}),
    now: sources.now,
    inbox: sources.links.inbox,
    outbox: sources.links.outbox,
    tasksPage: sources.links.tasks,
    customersAt: sources.customersAt,
    delivered: (message) => deliveredContent(message, sources.delivered),
    tasks: (customerId) =>
      consoleTasks(sources.taskEvents()).filter(
        (t) => customerId === undefined || t.customerId === customerId,
      ),
    customer: async (customerId) => {
      const items = await sources.customerItems(customerId);
      const journeys = sources.journeys().map(({ journey }) => journey);
      return buildTimeline({ ...items, executions: statesOf(sources.stepFunctions, items) }, journeys);
    },
    executions: (journeyId) =>
      sources.stepFunctions
        .listExecutions(
          journeyId === undefined ? undefined : localStateMachineArn(stateMachineName(journeyId)),
        )
        .map(({ executionArn, status, statesEntered }): ExecutionFacts => ({
          executionArn,
          status,
          statesEntered,
        })),
  };
  for (const page of pages)
    api.addLocalRoute(page.path, async (req, res) => {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const body = await page.render(ctx, query);
      if (body === undefined) return html(res, 404, shell(pages, sources.links, page, '<h1>Not found</h1>'));
      html(res, 200, shell(pages, sources.links, page, body));
    });
}

/** The states each of the customer's journey executions entered, as Step Functions' history gives them. */
function statesOf(
  stepFunctions: Pick<LocalStepFunctions, 'listExecutions'>,
  items: CustomerItems,
): ExecutionHistory[] {
  const byArn = new Map(stepFunctions.listExecutions().map((e) => [e.executionArn, e]));
  return items.journeys.flatMap(({ executionArn, journeyId, journeyVersion }) => {
    const e = byArn.get(executionArn);
    return e
      ? [
          {
            executionArn,
            journeyId,
            journeyVersion,
            states: e.statesEntered.map(({ name, at }) => ({ name, at: at.toISOString() })),
          },
        ]
      : [];
  });
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

export { readSnapshot };
