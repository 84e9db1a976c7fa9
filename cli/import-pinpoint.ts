import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, type Clock } from '../domain/clock';
import { loadWorkflows } from '../domain/config/load';
import { ValidationError, formatProblems } from '../domain/errors';
import { readPinpointExport } from '../domain/migrate/pinpoint/export';
import { planImport, type ImportPlan } from '../domain/migrate/pinpoint/import';
import { needsReview, reportSummary } from '../domain/migrate/pinpoint/report';
import { commandArgs } from './args';

export const IMPORT_PINPOINT_USAGE = `Usage: rapport import pinpoint (<file or folder>… | --application-id <id>) [options]

Turns Amazon Pinpoint journeys and their email and SMS templates into Rapport journeys and templates, then
validates them. Each journey gets a report (workflows/journeys/<id>.pinpoint.md): every activity and setting
mapped exactly, approximated (and how), or not supported. Exit 0: all exact; 3: something was approximated
or is not supported (read the reports); 1: nothing or not all could be imported; 2: wrong arguments.

  <file or folder>…       JSON saved from aws pinpoint get-journey, get-email-template, get-sms-template
                          (a folder: every .json in it)
  --application-id <id>   read the journeys and their templates from the Pinpoint API instead (AWS credentials)
  --region <region>       the API's region (default: AWS_REGION)
  --segment <id>=stage:<stage> | <id>=tier:<tier>
                          start a segment-triggered journey when a customer enters that stage or tier
  --workflows <dir>       where to write (default ./workflows)
`;

const OPTIONS = {
  'application-id': { type: 'string' },
  region: { type: 'string' },
  segment: { type: 'string', multiple: true },
  workflows: { type: 'string' },
} as const;
type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

const SEGMENT = /^([^=]+)=(stage|tier):([a-z][a-z0-9-]*)$/;

function usageProblem({ values: v, positionals }: Parsed): string | undefined {
  if (!positionals.length === !v['application-id'])
    return 'name exported files (or a folder of them), or --application-id to read from the API';
  const missing = positionals.find((p) => !existsSync(p));
  if (missing) return `no such file or folder: ${missing}`;
  const bad = (v.segment ?? []).find((s) => !SEGMENT.test(s));
  return bad
    ? `--segment: got "${bad}"; expected <segment id>=stage:<stage> or <segment id>=tier:<tier>`
    : undefined;
}

function readFiles(paths: readonly string[]): { source: string; text: string }[] {
  return paths.flatMap((p) =>
    (statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((n) => n.endsWith('.json'))
          .sort()
          .map((n) => join(p, n))
      : [p]
    ).map((source) => ({ source, text: readFileSync(source, 'utf8') })),
  );
}

async function fromApi(applicationId: string, region: string | undefined) {
  const { PinpointClient } = await import('@aws-sdk/client-pinpoint');
  const { fetchPinpointExport } = await import('../adapters/pinpoint/export');
  return fetchPinpointExport(new PinpointClient(region ? { region } : {}), applicationId);
}

/** `rapport import pinpoint`: Pinpoint journeys and templates into workflows/, with a report for each. */
export async function importPinpointCommand(
  args: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  deps: { clock?: Clock; fetch?: typeof fromApi } = {},
): Promise<number> {
  const usage = { name: 'import pinpoint', usage: IMPORT_PINPOINT_USAGE };
  const parsed = commandArgs(
    usage,
    () => parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true }),
    usageProblem,
    err,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const dir = resolve(values.workflows ?? join(process.cwd(), 'workflows'));
  const segments = Object.fromEntries(
    (values.segment ?? []).map((s) => {
      const [, id, kind, value] = SEGMENT.exec(s)!;
      return [id!, { [kind!]: value! }];
    }),
  );
  try {
    const files = values['application-id']
      ? await (deps.fetch ?? fromApi)(values['application-id'], values.region)
      : readFiles(parsed.positionals);
    const exp = readPinpointExport(files);
    if (!exp.journeys.length) {
      err('rapport import pinpoint: no journey among the files (save them with aws pinpoint get-journey)');
      return 1;
    }
    const { settings } = loadWorkflows(dir);
    const plan = planImport(exp, {
      settings,
      now: (deps.clock ?? systemClock).now(),
      segments,
      settingsText: readFileSync(join(dir, 'settings.yaml'), 'utf8'),
    });
    if (!written(dir, plan, err)) return 1;
    for (const { report, file } of plan.reports) out(reportSummary(report, join(dir, file)));
    if (plan.settingsText)
      out(`settings.yaml: declared the events and holidays the journeys use (${join(dir, 'settings.yaml')})`);
    return validated(dir, out, err) ? (needsReview(plan.reports.map((r) => r.report)) ? 3 : 0) : 1;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    err(
      `rapport import pinpoint: ${e.message.split('\n')[0]}; nothing was written:\n${formatProblems(e.problems)}`,
    );
    return 1;
  }
}

/** The plan's files written, unless one of them is the person's own (then nothing is, and false). */
function written(dir: string, plan: ImportPlan, err: (s: string) => void): boolean {
  const taken = Object.keys(plan.files).filter((path) => ownedElsewhere(join(dir, path)));
  if (taken.length) {
    const list = taken.map((t) => `  - ${join(dir, t)}`).join('\n');
    err(
      `rapport import pinpoint: these files exist and did not come from Pinpoint; nothing was written:\n${list}\nRename the Pinpoint journey or template (or move yours) and import again.`,
    );
    return false;
  }
  for (const [path, text] of Object.entries(plan.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (plan.settingsText) writeFileSync(join(dir, 'settings.yaml'), plan.settingsText);
  return true;
}

/** A file of the person's own that an import would overwrite (a second import replaces its own files). */
function ownedElsewhere(path: string): boolean {
  return existsSync(path) && !readFileSync(path, 'utf8').includes('Imported from Amazon Pinpoint');
}

/** `rapport validate` on the result: the import is only done when Rapport accepts what it wrote. */
function validated(dir: string, out: (s: string) => void, err: (s: string) => void): boolean {
  try {
    const w = loadWorkflows(dir);
    out(`✓ validate: ${w.journeys.length} journey(s), ${Object.keys(w.templates).length} template(s) valid`);
    return true;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    err(
      `rapport import pinpoint: the files were written but do not validate; fix them:\n${formatProblems(e.problems)}`,
    );
    return false;
  }
}
