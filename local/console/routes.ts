import type { ServerResponse } from 'node:http';
import { stateMachineName } from '../../domain/journey/state-machine-name';
import type { LocalHttpApi } from '../http-api';
import { localStateMachineArn, type LocalStepFunctions } from '../stepfunctions';
import { journeyCounts, type ExecutionFacts } from './journey-counts';
import { renderJourney, renderJourneyList } from './journeys';
import { renderOverview } from './overview';
import { shell, type ConsoleContext, type ConsoleLinks, type ConsolePage } from './pages';
import type { LoadedJourney } from '../../domain/config/load';
import { readSnapshot, type StoreSnapshot } from './snapshot';

/** The console's own pages, in nav order. Another page (a customer's timeline) is mounted by adding it here. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: '/',
    title: 'Overview',
    inNav: true,
    render: async (ctx) => {
      const { customers, messages } = await ctx.snapshot();
      return renderOverview({
        customers,
        messages,
        executions: ctx.executions(),
        today: ctx.now().toISOString(),
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
        counts: journeyCounts(journey, ctx.executions(journey.id), snap.messages, snap.entries),
      }));
      return renderJourneyList(rows);
    },
  },
  {
    path: '/journey',
    title: 'Journey',
    inNav: false,
    render: async (ctx, query) => {
      const found = ctx.journeys().find((j) => j.journey.id === query.get('id'));
      if (!found) return undefined;
      const { messages, entries } = await ctx.snapshot();
      const { journey } = found;
      return renderJourney(journey, journeyCounts(journey, ctx.executions(journey.id), messages, entries));
    },
  },
];

export interface ConsoleSources {
  stepFunctions: Pick<LocalStepFunctions, 'listExecutions'>;
  journeys: () => readonly LoadedJourney[];
  snapshot: () => Promise<StoreSnapshot>;
  now: () => Date;
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
    now: sources.now,
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

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

export { readSnapshot };
