import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import type { Workflows } from '../domain/config/load';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../functions/routes';
import { WORKFLOWS_FILE, workflowParts } from '../functions/shared/workflows';

/** liquidjs's ES module build, as its package.json names it (so an upgrade that moves it is followed). */
function liquidModuleEntry(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('liquidjs/package.json'), 'utf8')) as {
    module?: string;
  };
  if (!manifest.module)
    throw new Error('liquidjs no longer names an ES module build (package.json "module")');
  return manifest.module;
}

/**
 * How every Lambda bundle is built: what the stack deploys and what tests/bench/bundles.ts measures. The
 * Node 24 runtime provides the AWS SDK v3, so `@aws-sdk/*` stays out of the bundles.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  // No `keepNames` (23–33 KB a bundle and a few ms of init, a `__name` call per function and class): the
  // error names Retry and Catch match on are stated by each class (domain/errors.ts RapportError).
  // A separate index.js.map, without the sources inlined: stack traces map back to file and line, and the
  // map stays small enough that --enable-source-maps costs little at cold start.
  sourcemap: 'linked',
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  // The X-Ray SDK (Powertools Tracer) imports all of semver for one comparison it never makes here. Not
  // replaced, though 23 KB: grapheme-splitter. Intl.Segmenter keeps newer emoji sequences whole where the
  // CLI and the local runtime, which load the real module, cut them: Lambda would count an SMS part more.
  // liquidjs's `main` is its CommonJS build: bundled, it runs in a wrapper of its own and its exports are
  // copied into a namespace object at load. Its ES module build (the same release, its `module` entry) is
  // hoisted into the bundle instead: its top level takes 1 ms of send-message's init rather than 3.
  alias: {
    semver: './functions/shared/semver-shim.ts',
    liquidjs: `./node_modules/liquidjs/${liquidModuleEntry()}`,
  },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * Modules a package imports by a relative path, replaced in every bundle (project-relative paths): esbuild's
 * `alias` takes package paths only. Each is what its importers call of a module Rapport does not need whole.
 */
export const REPLACED_MODULES: Record<string, string> = {
  // nodemailer's 76 KB extension ↔ MIME-type table: Rapport's emails never consult it.
  'node_modules/nodemailer/dist/esm/mime-funcs/mime-types.js': 'functions/shared/mime-types-shim.ts',
  'node_modules/nodemailer/dist/cjs/mime-funcs/mime-types.js': 'functions/shared/mime-types-shim.ts',
  // nodemailer's HTTP client, for parts given by URL: Rapport's parts are strings.
  'node_modules/nodemailer/dist/esm/fetch/index.js': 'functions/shared/nodemailer-fetch-shim.ts',
  'node_modules/nodemailer/dist/cjs/fetch/index.js': 'functions/shared/nodemailer-fetch-shim.ts',
  // The X-Ray SDK's centralized sampler, which Lambda never uses.
  'node_modules/aws-xray-sdk-core/dist/lib/middleware/sampling/default_sampler.js':
    'functions/shared/xray-sampler-shim.ts',
};

/**
 * esbuild's async `build` with a plugin that swaps REPLACED_MODULES, run in a child Node and waited for:
 * `buildSync` takes no plugins, and the CDK constructs that bundle are synchronous.
 */
const BUILD_SCRIPT = `
const { build } = require(process.argv[1]);
const { resolve, dirname } = require('node:path');
const { options, replaced, filter } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const replace = {
  name: 'rapport-replaced-modules',
  setup(b) {
    b.onResolve({ filter: new RegExp(filter) }, (args) => {
      if (!args.path.startsWith('.')) return undefined;
      const path = resolve(args.resolveDir || dirname(args.importer), args.path);
      const to = replaced[path] ?? replaced[path + '.js'];
      return to ? { path: to } : undefined;
    });
  },
};
build({ ...options, plugins: [replace] }).then(
  (r) => process.stdout.write(JSON.stringify(r.metafile)),
  () => process.exit(1),
);
`;

/** The file each function is bundled from. */
export function functionEntry(projectRoot: string, name: AnyFunctionName): string {
  return join(projectRoot, 'functions', name, 'index.ts');
}

/** Where Lambda puts the package: the directory of index.js. */
export const LAMBDA_TASK_ROOT = '/var/task';

export interface BuiltFunctions {
  /** `<outdir>/<name>/index.js` (and `index.js.map`) for each function. */
  dir(name: AnyFunctionName): string;
  metafile: Metafile;
}

/**
 * Bundles every function in one esbuild run (one entry point each): the code they share is read and
 * parsed once, not once per function.
 */
export function buildFunctions(projectRoot: string, outdir: string): BuiltFunctions {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const metafile = bundleAsLambda(projectRoot, {
    entryPoints: Object.fromEntries(
      ALL_FUNCTIONS.map((name) => [`${name}/index`, functionEntry(projectRoot, name)]),
    ),
    outdir,
  });
  return { dir: (name) => join(outdir, name), metafile };
}

/**
 * Runs esbuild as every Lambda bundle is built (ESBUILD_OPTIONS and REPLACED_MODULES) on these entries
 * and output options, in a child Node (see BUILD_SCRIPT); its metafile.
 */
export function bundleAsLambda(projectRoot: string, entries: BuildOptions): Metafile {
  const options: BuildOptions = {
    ...ESBUILD_OPTIONS,
    absWorkingDir: projectRoot,
    ...entries,
    metafile: true,
  };
  // Keyed by the real path, which is what esbuild resolves an import to (node_modules may be a link).
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
  const replaced = Object.fromEntries(
    Object.entries(REPLACED_MODULES).map(([from, to]) => [
      real(join(projectRoot, from)),
      join(projectRoot, to),
    ]),
  );
  // Only the imports that end in a replaced file's name (with or without `.js`) reach the plugin.
  const names = Object.keys(REPLACED_MODULES).map((p) =>
    basename(p, '.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const filter = `(^|/)(${[...new Set(names)].join('|')})(\\.js)?$`;
  // esbuild prints its own errors and warnings (logLevel) on the child's stderr, which is ours.
  const out = execFileSync(process.execPath, ['-e', BUILD_SCRIPT, require.resolve('esbuild')], {
    input: JSON.stringify({ options, replaced, filter }),
    stdio: ['pipe', 'pipe', 'inherit'],
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Metafile;
}

const builds = new Map<string, BuiltFunctions>();

/**
 * The functions of `projectRoot`, bundled on first use and reused for every function and every app this
 * process synthesizes (the code does not change during a synth).
 */
export function builtFunctions(projectRoot: string): BuiltFunctions {
  const root = resolve(projectRoot);
  let built = builds.get(root);
  if (!built) {
    const outdir = mkdtempSync(join(tmpdir(), 'rapport-functions-'));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    built = buildFunctions(root, outdir);
    builds.set(root, built);
  }
  return built;
}

/**
 * The workflows as function `name` reads them (functions/shared/workflows.ts): the parts it reads of the
 * loaded, compiled data. The asset's hash depends on those parts only.
 */
export function workflowsData(workflows: Workflows, name: AnyFunctionName): string {
  return JSON.stringify(workflowParts(workflows, name));
}

/**
 * Writes one function's package into `to`: its bundle and source map, and, for the handlers that read
 * workflows, the workflows the stack was built from as data, so that a cold start parses no YAML and
 * validates and compiles nothing.
 */
export function writeFunctionAsset(
  built: BuiltFunctions,
  name: AnyFunctionName,
  to: string,
  workflows?: Workflows,
): void {
  mkdirSync(to, { recursive: true });
  for (const file of ['index.js', 'index.js.map']) copyFileSync(join(built.dir(name), file), join(to, file));
  if (workflows) writeFileSync(join(to, WORKFLOWS_FILE), workflowsData(workflows, name));
}
