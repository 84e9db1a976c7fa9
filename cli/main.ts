import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readableDeclarations } from '../domain/config/event-checks';
import { JSON_SCHEMAS, jsonSchemaText } from '../domain/config/json-schema';
import { parseYaml } from '../domain/config/source';
import { createRenderer } from '../domain/messages/render';
import { smsLength } from '../domain/messages/sms';
import { newProfile } from '../domain/lifecycle/apply';
import { loadWorkflows, type Workflows } from '../domain/config/load';
import { ConfigValidationError, formatProblems } from '../domain/errors';
import { journeyToMermaid } from '../domain/journey/graph';
import { CUSTOMER_USAGE, WHY_USAGE, customerCommand } from './customer';
import { IMPORT_USAGE, importCommand } from './import';
import { IMPORT_PINPOINT_USAGE, importPinpointCommand } from './import-pinpoint';
import { PREVIEW_USAGE, previewCommand } from './preview';
import { REDRIVE_USAGE, redriveCommand } from './redrive';
import { SIMULATE_USAGE, simulateCommand } from './simulate';

const USAGE = `Usage: rapport <command>

  validate [dir]         check every file in workflows/ (default ./workflows); exit 1 listing every problem
  graph <journey> [dir]  print a Mermaid diagram of a journey
  compile <journey> [dir] print the journey's compiled Amazon States Language
  preview <template> …   render a template for a customer, as a send would, into .html/.eml (preview --help)
  schema [--check]       write workflows/schemas/*.json from the zod schemas (--check: fail if out of date)
  simulate …             a population through the lifecycle and journeys, with the AWS bill (simulate --help)
  import <history> …     a purchase history into the local store npm start uses, as of now (import --help)
  import pinpoint …      Amazon Pinpoint journeys and templates into workflows/, with a report (import pinpoint --help)
  redrive <queue>        a dead-letter queue's messages back to their queue, on AWS (redrive --help)
  customer <id>          a customer's timeline, from the table (customer --help)
  why <id>               why a customer got a message, or did not (why --help)
`;

/** Every SMS text as a customer would get it, measured in billed parts (GSM-7: 160/153, UCS-2: 70/67). */
export function smsSizes(w: Workflows) {
  const renderer = createRenderer(w);
  return Object.entries(w.templates).flatMap(([template, byLocale]) =>
    Object.entries(byLocale)
      .filter(([, t]) => t.sms !== undefined)
      .map(([locale]) => {
        const profile = {
          ...newProfile('sample', w.lifecycle, new Date(0)),
          locale,
          firstName: locale.startsWith('zh') ? '欧阳明月光辉灿烂星' : 'Alexandrin',
        };
        const { body } = renderer.renderSms({ template, profile, category: 'marketing' });
        const size = smsLength(body);
        return { template, locale, characters: [...body].length, ...size };
      }),
  );
}

type Print = (s: string) => void;

const workflowsDir = (arg: string | undefined) => resolve(arg ?? join(process.cwd(), 'workflows'));

export function run(
  argv: readonly string[],
  out: Print = console.log,
  err: Print = console.error,
): number | Promise<number> {
  try {
    const code = dispatch(argv, out, err);
    return code instanceof Promise ? code.catch((e: unknown) => invalidWorkflows(e, err)) : code;
  } catch (e) {
    return invalidWorkflows(e, err);
  }
}

/** A command's invalid workflows end it with their problems and exit code 1; any other error is a bug. */
function invalidWorkflows(e: unknown, err: Print): number {
  if (!(e instanceof ConfigValidationError)) throw e;
  err(e.message);
  return 1;
}

function dispatch(argv: readonly string[], out: Print, err: Print): number | Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'validate':
      return validateCommand(args, out);
    case 'graph':
    case 'compile':
      return graphCommand(command, args, out, err);
    case 'schema':
      return schemaCommand(args, out, err);
    case 'preview':
      return withHelp(args, PREVIEW_USAGE, out, () => previewCommand(args, out, err));
    case 'simulate':
      return withHelp(args, SIMULATE_USAGE, out, () => simulateCommand(args, out, err));
    case 'import':
      if (args[0] === 'pinpoint')
        return withHelp(args, IMPORT_PINPOINT_USAGE, out, () =>
          importPinpointCommand(args.slice(1), out, err),
        );
      return withHelp(args, IMPORT_USAGE, out, () => importCommand(args, out, err));
    case 'redrive':
      return withHelp(args, REDRIVE_USAGE, out, () => redriveCommand(args, out, err));
    case 'customer':
    case 'why':
      return withHelp(args, command === 'why' ? WHY_USAGE : CUSTOMER_USAGE, out, () =>
        customerCommand(command, args, out, err),
      );
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      err(`rapport: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** `--help` anywhere in a command's arguments prints its usage instead of running it. */
function withHelp(
  args: readonly string[],
  usage: string,
  out: Print,
  command: () => number | Promise<number>,
): number | Promise<number> {
  if (args.includes('--help')) {
    out(usage);
    return 0;
  }
  return command();
}

function validateCommand(args: readonly string[], out: Print): number {
  const w = loadWorkflows(workflowsDir(args[0]));
  const templates = Object.keys(w.templates).length;
  out(
    `✓ ${w.journeys.length} journey(s), ${w.lifecycle.stages.length} lifecycle stage(s), ${w.lifecycle.tiers.length} tier(s), ${templates} template(s) in ${w.settings.locales.join(', ')}: all valid`,
  );
  for (const j of w.journeys)
    out(
      `  ${j.file}: ${j.journey.id} v${j.journey.version}, ${j.journey.steps.length} step${j.journey.steps.length === 1 ? '' : 's'}`,
    );
  for (const [name, e] of Object.entries(w.settings.customEvents)) {
    const props = Object.values(e.properties);
    const personal = props.filter((p) => p.personal).length;
    out(
      `  settings.yaml customEvents: ${name}, ${props.length} propert${props.length === 1 ? 'y' : 'ies'}${personal ? ` (${personal} personal data)` : ''}`,
    );
  }
  // Valid, but worth a look: a warning never changes the exit code.
  if (w.warnings.length)
    out(`${w.warnings.length} warning${w.warnings.length === 1 ? '' : 's'}:\n${formatProblems(w.warnings)}`);
  const sms = smsSizes(w);
  if (sms.length) {
    out('SMS length (marketing, with the opt-out line and a 10-character first name):');
    for (const s of sms)
      out(
        `  ${s.template} ${s.locale}: ${s.characters} characters, ${s.encoding}, ${s.parts} part${s.parts === 1 ? '' : 's'}`,
      );
  }
  return 0;
}

/** `graph` prints a journey's Mermaid diagram, `compile` its Amazon States Language. */
function graphCommand(command: 'graph' | 'compile', args: readonly string[], out: Print, err: Print): number {
  const id = args[0];
  if (!id) {
    err(`rapport ${command}: name a journey, e.g. rapport ${command} first-small-purchase\n\n${USAGE}`);
    return 2;
  }
  const w = loadWorkflows(workflowsDir(args[1]));
  const found = w.journeys.find((j) => j.journey.id === id);
  if (!found) {
    err(`rapport ${command}: no journey "${id}"; known: ${w.journeys.map((j) => j.journey.id).join(', ')}`);
    return 2;
  }
  out(
    command === 'graph'
      ? journeyToMermaid(found.journey, w.settings.exclusiveGroups).trimEnd()
      : found.asl.trimEnd(),
  );
  return 0;
}

function schemaCommand(args: readonly string[], out: Print, err: Print): number {
  const dir = join(workflowsDir(undefined), 'schemas');
  const stale: string[] = [];
  mkdirSync(dir, { recursive: true });
  const eventNames = declaredEventNames(join(workflowsDir(undefined), 'settings.yaml'));
  for (const [file, schema] of Object.entries(JSON_SCHEMAS)) {
    const path = join(dir, file);
    const text = jsonSchemaText(schema, file === 'journey.schema.json' ? { eventNames } : {});
    if (args.includes('--check')) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(path);
    } else {
      writeFileSync(path, text);
      out(`wrote ${path}`);
    }
  }
  if (stale.length) {
    err(`out of date (run npm run schema): ${stale.join(', ')}`);
    return 1;
  }
  return 0;
}

if (require.main === module)
  void Promise.resolve(run(process.argv.slice(2))).then((code) => (process.exitCode = code));

/** The events settings.yaml declares (those valid as declared), for the journey schema to list. */
function declaredEventNames(settingsPath: string): string[] {
  if (!existsSync(settingsPath)) return [];
  return Object.keys(readableDeclarations(parseYaml(settingsPath, readFileSync(settingsPath, 'utf8')).data));
}
