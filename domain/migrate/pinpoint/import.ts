import { Document, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { ValidationError, type Problem } from '../../errors';
import type { PinpointExport } from './export';
import { mapJourney, type MapOptions, type MappedJourney } from './map-journey';
import { approximated, reportMarkdown, type JourneyReport } from './report';
import type { EmailTemplate, SmsTemplate } from './schema';
import type { Step } from '../../journey/schema';
import { importEmailTemplate, importSmsTemplate, type ImportedTemplate } from './templates';

export class PinpointImportError extends ValidationError {
  override readonly name: string = 'PinpointImportError';
}

export interface ImportPlan {
  /** File text by path relative to the workflows directory. */
  files: Record<string, string>;
  /** settings.yaml with the events and holidays the journeys need added (undefined: unchanged). */
  settingsText?: string;
  reports: { report: JourneyReport; file: string }[];
}

const SCHEMA = (depth: string, name: string) =>
  `yaml-language-server: $schema=${depth}schemas/${name}.schema.json`;

/** A step as a person writes it: without the fields that only say their default. */
function asWritten(step: Step): Record<string, unknown> {
  const { ...written } = step as Record<string, unknown>;
  if (written.priority === 'normal') delete written.priority;
  if (written.category === 'marketing') delete written.category;
  return written;
}

function journeyYaml(m: MappedJourney, reportFile: string): string {
  // Priority only orders journeys of one exclusive group, and Pinpoint has none: the default says it.
  const { priority: _default, ...journey } = m.journey;
  const doc = new Document({ ...journey, steps: m.journey.steps.map(asWritten) });
  doc.commentBefore = ` ${SCHEMA('../', 'journey')}\n Imported from Amazon Pinpoint by rapport import pinpoint: review ${reportFile}`;
  const steps = doc.get('steps', true);
  if (isSeq(steps))
    steps.items.forEach((node, i) => {
      const origin = m.origins[m.journey.steps[i]!.id];
      if (origin && isMap(node))
        (node as YAMLMap).commentBefore =
          ` Pinpoint activity ${origin.activityId}${origin.description ? `: ${origin.description}` : ''}`;
    });
  return doc.toString({ lineWidth: 110 });
}

function templateYaml(
  t: ImportedTemplate,
  pinpointName: string,
  locale: string,
  defaultLocale: string,
): string {
  const doc = new Document(t.template);
  doc.commentBefore =
    ` ${SCHEMA('../../', 'message-template')}\n Imported from Amazon Pinpoint template ${pinpointName}` +
    (locale === defaultLocale ? '' : ` (in its one language: translate it for ${locale})`);
  return doc.toString({ lineWidth: 110 });
}

/**
 * `key`'s block in settings.yaml with `lines` added at its end, leaving every other line (and comment) as it
 * was; the section is added at the end when the file has none, or rewritten when it is written inline.
 */
function appendedTo(text: string, key: string, items: Record<string, unknown>, lines: string[]): string {
  const doc = parseDocument(text);
  const node = doc.get(key, true);
  if (isMap(node) && !node.flow && node.range) {
    const at = node.range[1];
    return `${text.slice(0, at)}${lines.join('\n')}\n${text.slice(at)}`;
  }
  if (node === undefined) return `${text.replace(/\n*$/, '\n')}${key}:\n${lines.join('\n')}\n`;
  for (const [name, value] of Object.entries(items)) doc.setIn([key, name], value);
  return doc.toString();
}

const PROPERTY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** settings.yaml with what the journeys need declared; undefined when nothing is new. */
function settingsWith(
  text: string,
  events: Record<string, string[]>,
  holidays: Record<string, string[]>,
): string | undefined {
  const declared = (key: string, name: string) => parseDocument(text).hasIn([key, name]);
  const newEvents = Object.entries(events).filter(([name]) => !declared('customEvents', name));
  const newHolidays = Object.entries(holidays).filter(([name]) => !declared('holidays', name));
  let out = text;
  if (newHolidays.length)
    out = appendedTo(
      out,
      'holidays',
      Object.fromEntries(newHolidays),
      newHolidays.map(
        ([name, days]) => `  ${name}: [${days.map((d) => `'${d}'`).join(', ')}] # from Pinpoint`,
      ),
    );
  if (newEvents.length) {
    // Optional strings: the journeys compare them; what else the event carries, the person declares.
    const decl = (props: string[]) => ({
      description: 'Imported from Amazon Pinpoint: declare every property it carries',
      properties: Object.fromEntries(
        props.filter((p) => PROPERTY.test(p)).map((p) => [p, { type: 'string', required: false }]),
      ),
    });
    const lines = newEvents.flatMap(([name, props]) => [
      `  ${name}:`,
      '    description: Imported from Amazon Pinpoint; declare every property it carries',
      `    properties:${props.some((p) => PROPERTY.test(p)) ? '' : ' {}'}`,
      ...props.filter((p) => PROPERTY.test(p)).map((p) => `      ${p}: { type: string, required: false }`),
    ]);
    out = appendedTo(out, 'customEvents', Object.fromEntries(newEvents.map(([n, p]) => [n, decl(p)])), lines);
  }
  return out === text ? undefined : out;
}

type Templates = Map<string, { t: ImportedTemplate; name: string }>;

/** The templates one journey sends, imported once each, their entries added to its report. */
function journeyTemplates(
  m: MappedJourney,
  exp: PinpointExport,
  source: string,
  templates: Templates,
  problems: Problem[],
) {
  for (const { name, channel, version } of m.templates) {
    const found = channel === 'email' ? exp.email[name] : exp.sms[name];
    if (!found) {
      problems.push({
        source,
        field: 'JourneyResponse.Activities',
        value: name,
        expected: `its ${channel} template in the export: aws pinpoint get-${channel}-template --template-name ${name}${version ? ` --version ${version}` : ''} > ${name}.json`,
      });
      continue;
    }
    const t =
      channel === 'email'
        ? importEmailTemplate(found as EmailTemplate)
        : importSmsTemplate(found as SmsTemplate);
    const key = `${t.id}/${channel}`;
    const prior = templates.get(key);
    if (prior && prior.name !== name)
      problems.push({
        source,
        field: 'JourneyResponse.Activities',
        value: name,
        expected: `a template name that does not become ${t.id} as ${prior.name} does: rename one in Pinpoint`,
      });
    if (!prior) templates.set(key, { t, name });
    if (!m.report.entries.some((e) => e.kind === 'template' && e.subject === t.entries[0]?.subject))
      m.report.entries.push(...t.entries);
  }
}

/** Each template in every locale; one sent both by email and by SMS is one Rapport template with both. */
function templateFiles(templates: Templates, settings: MapOptions['settings']): Record<string, string> {
  const byId: Templates = new Map();
  for (const { t, name } of templates.values()) {
    const prior = byId.get(t.id);
    byId.set(
      t.id,
      prior ? { name, t: { ...t, template: { ...prior.t.template, ...t.template } } } : { t, name },
    );
  }
  const files: Record<string, string> = {};
  for (const [id, { t, name }] of byId)
    for (const locale of settings.locales)
      files[`templates/${id}/${locale}.yaml`] = templateYaml(t, name, locale, settings.defaultLocale);
  return files;
}

/**
 * What importing an export writes: each journey, each template it sends (in every locale), a report per
 * journey, and settings.yaml's additions. Refuses (every problem listed) when a journey sends a template
 * the export lacks, or two journeys or templates would share an id.
 */
export function planImport(
  exp: PinpointExport,
  o: Omit<MapOptions, 'source'> & { settingsText: string },
): ImportPlan {
  const plan: ImportPlan = { files: {}, reports: [] };
  const problems: Problem[] = [];
  const events: Record<string, string[]> = {};
  const holidays: Record<string, string[]> = {};
  const templates: Templates = new Map();
  for (const { source, journey } of exp.journeys) {
    const m = mapJourney(journey, { ...o, source });
    const path = `journeys/${m.journey.id}.yaml`;
    if (plan.files[path])
      problems.push({
        source,
        field: 'JourneyResponse.Name',
        value: journey.Name,
        expected: `a name no other journey in the export has (both become ${path})`,
      });
    journeyTemplates(m, exp, source, templates, problems);
    for (const [name, props] of Object.entries(m.customEvents))
      events[name] = [...new Set([...(events[name] ?? []), ...props])];
    Object.assign(holidays, m.holidays);
    const reportFile = `journeys/${m.journey.id}.pinpoint.md`;
    plan.files[path] = journeyYaml(m, `workflows/${reportFile}`);
    plan.reports.push({ report: m.report, file: reportFile });
  }
  if (problems.length) throw new PinpointImportError('The Pinpoint export cannot be imported', problems);
  Object.assign(plan.files, templateFiles(templates, o.settings));
  const { locales, defaultLocale } = o.settings;
  for (const { report, file } of plan.reports) {
    if (locales.length > 1 && report.entries.some((e) => e.kind === 'template'))
      report.entries.push(
        approximated(
          'template',
          'languages',
          `Pinpoint templates have one language: each was copied to ${locales.join(', ')}; translate the copies other than ${defaultLocale}`,
        ),
      );
    plan.files[file] = reportMarkdown(report);
  }
  const settingsText = settingsWith(o.settingsText, events, holidays);
  return settingsText === undefined ? plan : { ...plan, settingsText };
}
