/** How one Pinpoint activity or setting came across. Nothing is left out of the report. */
export interface ReportEntry {
  /** An activity (by its Pinpoint id), a setting (`Limits.DailyCap`) or a template. */
  subject: string;
  kind: 'activity' | 'setting' | 'template';
  status: 'exact' | 'approximated' | 'unsupported';
  /** What it became in Rapport; for an approximation, how it differs; for the unsupported, what to do. */
  detail: string;
}

export interface JourneyReport {
  journeyId: string;
  pinpoint: { id: string; name: string; source: string };
  entries: ReportEntry[];
  /** settings.yaml lines the journey needs to behave as it did (project-wide, so never written for you). */
  suggestedSettings: string[];
}

/** An entry of a status known only at run time. */
export const entryOf = (
  kind: ReportEntry['kind'],
  status: ReportEntry['status'],
  subject: string,
  detail: string,
): ReportEntry => ({ kind, subject, status, detail });

export const exact = (kind: ReportEntry['kind'], subject: string, detail: string): ReportEntry => ({
  kind,
  subject,
  status: 'exact',
  detail,
});
export const approximated = (kind: ReportEntry['kind'], subject: string, detail: string): ReportEntry => ({
  kind,
  subject,
  status: 'approximated',
  detail,
});
export const unsupported = (kind: ReportEntry['kind'], subject: string, detail: string): ReportEntry => ({
  kind,
  subject,
  status: 'unsupported',
  detail,
});

/** Whether anything needs a person's review: the import's exit code says so. */
export const needsReview = (reports: readonly { entries: readonly ReportEntry[] }[]): boolean =>
  reports.some((r) => r.entries.some((e) => e.status !== 'exact'));

const SYMBOL = { exact: '✓ exact', approximated: '≈ approximated', unsupported: '✗ unsupported' } as const;
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function countsOf(entries: readonly ReportEntry[]): Record<ReportEntry['status'], number> {
  const counts = { exact: 0, approximated: 0, unsupported: 0 };
  for (const e of entries) counts[e.status] += 1;
  return counts;
}

/** The report as Markdown, written next to the journey (workflows/journeys/<id>.pinpoint.md). */
export function reportMarkdown(r: JourneyReport): string {
  const c = countsOf(r.entries);
  const section = (kind: ReportEntry['kind'], title: string) => {
    const rows = r.entries.filter((e) => e.kind === kind);
    if (!rows.length) return [];
    return [
      `## ${title}`,
      '',
      '| Pinpoint | Status | In Rapport |',
      '| --- | --- | --- |',
      ...rows.map((e) => `| ${cell(e.subject)} | ${SYMBOL[e.status]} | ${cell(e.detail)} |`),
      '',
    ];
  };
  return [
    `# Imported from Amazon Pinpoint: journey "${r.pinpoint.name}"`,
    '',
    `Pinpoint journey \`${r.pinpoint.id}\` (from \`${r.pinpoint.source}\`) became \`workflows/journeys/${r.journeyId}.yaml\`.`,
    `${c.exact} exact, ${c.approximated} approximated, ${c.unsupported} unsupported.`,
    '',
    ...section('activity', 'Activities'),
    ...section('setting', 'Settings'),
    ...section('template', 'Templates'),
    ...(r.suggestedSettings.length
      ? [
          '## For settings.yaml',
          '',
          'Settings in Rapport hold for every journey, so the import does not write them. To keep what this journey did, add:',
          '',
          '```yaml',
          ...r.suggestedSettings,
          '```',
          '',
        ]
      : []),
  ].join('\n');
}

/** The report as the terminal shows it: one line per entry that is not exact, and the counts. */
export function reportSummary(r: JourneyReport, file: string): string {
  const c = countsOf(r.entries);
  return [
    `${r.pinpoint.name} → ${r.journeyId}: ${c.exact} exact, ${c.approximated} approximated, ${c.unsupported} unsupported (${file})`,
    ...r.entries
      .filter((e) => e.status !== 'exact')
      .map((e) => `  ${SYMBOL[e.status]} ${e.subject}: ${e.detail}`),
  ].join('\n');
}
