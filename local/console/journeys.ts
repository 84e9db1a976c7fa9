import { FINISH, journeyDiagram, START, type GroupModes } from '../../domain/journey/graph';
import type { Journey } from '../../domain/journey/schema';
import { escapeHtml as esc } from '../../functions/shared/http';
import { diagramSvg } from './diagram';
import type { JourneyCounts } from './journey-counts';
import { table } from './pages';

export const journeyHref = (id: string) => `/journey?id=${encodeURIComponent(id)}`;

const inFlight = (c: JourneyCounts) =>
  Object.entries(c.versionsInFlight)
    .sort()
    .map(([v, n]) => `${v}: ${n}`)
    .join(', ') || 'none';

/** Every journey deployed, with its totals; each links to its diagram. */
export function renderJourneyList(rows: readonly { journey: Journey; counts: JourneyCounts }[]): string {
  const tr = rows.map(
    ({ journey: j, counts: c }) =>
      `<tr><th scope="row"><a href="${esc(journeyHref(j.id))}">${esc(j.id)}</a></th><td>v${j.version}</td>` +
      `<td>${c.entries}</td><td>${c.running}</td><td>${c.goalReached}</td><td>${c.conversions}</td><td${c.failedExecutions ? ' class="bad"' : ''}>${c.failedExecutions}</td>` +
      `<td class="text">${esc(inFlight(c))}</td><td class="text">${esc(j.description)}</td></tr>`,
  );
  return (
    `<h1>Journeys</h1><table id="journeys"><tr><th class="text">journey</th><th>deployed</th><th>entries</th><th>running</th>` +
    `<th>goal reached</th><th>conversions</th><th>failed</th><th class="text">versions in flight</th><th class="text">what it does</th></tr>${tr.join('')}</table>`
  );
}

/** One journey: its diagram with the counts on every step, and the same figures as a table. */
export function renderJourney(journey: Journey, counts: JourneyCounts, groups?: GroupModes): string {
  const goal = journey.goal
    ? `Goal: ${esc(journey.goal.event)} within ${esc(journey.goal.within)}; reached by <strong id="goal-reached">${counts.goalReached}</strong> of ${counts.entries} entries; <strong id="conversions">${counts.conversions}</strong> counted as this journey's conversions (a goal event that ended several journeys counts for one: see the README's attribution).`
    : 'No goal.';
  const rows = journey.steps.map((s) => {
    const c = counts.steps.get(s.id);
    const skipped = Object.entries(c?.skipped ?? {})
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    const send = s.type === 'send';
    return [
      s.id,
      s.type,
      c?.entered ?? 0,
      c?.waiting ?? 0,
      send ? (c?.sent ?? 0) : '',
      send ? `${c?.delivered ?? 0} / ${c?.opened ?? 0} / ${c?.clicked ?? 0}` : '',
      send ? skipped || '0' : '',
      c?.ended ?? 0,
      c?.goalReached ?? 0,
    ];
  });
  // The start and the end are no steps, but executions end there too (stopped at once; after a last step).
  for (const [id, label] of [
    [START, 'before a first step'],
    [FINISH, 'after a last step'],
  ] as const) {
    const c = counts.steps.get(id);
    if (c?.ended) rows.push([label, '', '', '', '', '', '', c.ended, c.goalReached]);
  }
  return (
    `<h1>${esc(journey.id)} <small>v${journey.version}</small></h1><p>${esc(journey.description)}</p>` +
    `<p>${goal} Entries: ${counts.entries}; running now: ${counts.running}; ` +
    `failed: ${counts.failedExecutions}. Versions in flight: ${esc(inFlight(counts))}.</p>` +
    diagramSvg(journeyDiagram(journey, groups), counts.steps, `${journey.id}, step by step`) +
    table(
      'Counts per step',
      [
        'step',
        'type',
        'entered',
        'waiting now',
        'sent',
        'delivered / opened / clicked',
        'skipped by reason',
        'ended here',
        'by the goal',
      ],
      rows,
    )
  );
}
