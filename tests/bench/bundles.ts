/**
 * Lambda bundles: size, what fills them, module-init time against loading the SDK clients alone, and
 * `cdk synth` wall time. Figures, not assertions. `npx tsx tests/bench/bundles.ts` runs it alone
 * (BENCH_SYNTH=0 leaves the synth out).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Metafile } from 'esbuild';
import { loadWorkflows } from '../../domain/config/load';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../../functions/routes';
import { buildFunctions, writeFunctionAsset } from '../../infra/function-bundles';
import { LAMBDA_ENV } from '../support/lambda-env';

const ROOT = join(__dirname, '..', '..');
const RUNS = 5;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

function outputOf(metafile: Metafile, name: AnyFunctionName): Metafile['outputs'][string] | undefined {
  return Object.entries(metafile.outputs).find(([path]) => path.endsWith(`${name}/index.js`))?.[1];
}

/** Bytes of minified output per package (or per first-party folder), largest first. */
function contributors(metafile: Metafile, name: AnyFunctionName): [string, number][] {
  const output = outputOf(metafile, name);
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/')[0] ?? input;
    by.set(pkg, (by.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}

/**
 * The AWS SDK packages the bundle leaves to the runtime and loads at init (a client the handler loads on
 * first use is not counted): what the baseline loads alone.
 */
function sdkLoadedAtInit(
  metafile: Metafile,
  name: AnyFunctionName,
  index: string,
  env: Record<string, string>,
): string[] {
  const imported = new Set(
    (outputOf(metafile, name)?.imports ?? [])
      .filter((i) => i.external && i.path.startsWith('@aws-sdk/'))
      .map((i) => i.path),
  );
  const run = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(index)}); console.log(JSON.stringify(Object.keys(require.cache)))`],
    { env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`${name} failed to load: ${run.stderr}`);
  const loaded = (JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as string[]).join('\n');
  return [...imported].filter((pkg) => loaded.includes(`/node_modules/${pkg}/`)).sort();
}

interface InitTimes {
  /** Loading the SDK clients alone. */
  sdkMs: number;
  /** The whole module init: those clients, then the rest of the bundle. */
  initMs: number;
  /** initMs / sdkMs, paired in each process (steadier than two medians on a busy machine). */
  ratio: number;
}

/**
 * Medians over RUNS fresh `node` processes that each load the SDK clients, then the bundle (which finds
 * them loaded, as it would have loaded them itself), timed inside the process.
 */
export function initTimes(
  sdk: string[],
  index: string,
  env: Record<string, string>,
  nodeOptions = '',
): InitTimes {
  const script = [
    'const { hrtime } = process; const t0 = hrtime.bigint();',
    ...sdk.map((p) => `require(${JSON.stringify(p)});`),
    'const t1 = hrtime.bigint();',
    `require(${JSON.stringify(index)});`,
    'console.log(JSON.stringify([Number(t1 - t0) / 1e6, Number(hrtime.bigint() - t0) / 1e6]));',
  ].join('\n');
  const runs = Array.from({ length: RUNS }, () => {
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`loading ${index} failed: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as [number, number];
  });
  return {
    sdkMs: median(runs.map(([sdkMs]) => sdkMs)),
    initMs: median(runs.map(([, initMs]) => initMs)),
    ratio: median(runs.map(([sdkMs, initMs]) => initMs / sdkMs)),
  };
}

function benchFunctions(): void {
  const out = mkdtempSync(join(tmpdir(), 'rapport-bench-bundles-'));
  try {
    const t0 = performance.now();
    const built = buildFunctions(ROOT, join(out, 'build'));
    console.log(
      `esbuild, ${ALL_FUNCTIONS.length} functions in one build: ${(performance.now() - t0).toFixed(0)} ms`,
    );
    const workflows = loadWorkflows(join(ROOT, 'workflows'));
    // Resolved as the Lambda runtime provides them: from outside the bundle.
    const env = { ...LAMBDA_ENV, NODE_PATH: join(ROOT, 'node_modules') };
    for (const name of ALL_FUNCTIONS) {
      const asset = join(out, 'assets', name);
      writeFunctionAsset(built, name, asset, workflows);
      const index = join(asset, 'index.js');
      const bundleEnv = { ...env, LAMBDA_TASK_ROOT: asset };
      const sdk = sdkLoadedAtInit(built.metafile, name, index, bundleEnv);
      const times = initTimes(sdk, index, bundleEnv);
      const maps = initTimes(sdk, index, bundleEnv, '--enable-source-maps');
      const top = contributors(built.metafile, name)
        .slice(0, 5)
        .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
        .join(', ');
      console.log(
        `${name}: index.js ${kb(statSync(index).size)}, asset ${kb(folderBytes(asset))}; ` +
          `init ${times.initMs.toFixed(0)} ms vs SDK alone ${times.sdkMs.toFixed(0)} ms: ${times.ratio.toFixed(2)}× ` +
          `(with --enable-source-maps ${maps.initMs.toFixed(0)} ms, ${maps.ratio.toFixed(2)}×) ` +
          `[${sdk.map((p) => p.replace('@aws-sdk/', '')).join(' ')}]\n    top: ${top}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function timed(run: (outdir: string) => void): number {
  const out = mkdtempSync(join(tmpdir(), 'rapport-bench-synth-'));
  try {
    const t0 = performance.now();
    run(out);
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The app alone (infra/app.ts, as the CLI runs it), with bundling or with none: the CLI refuses context
 * keys starting with `aws:`, so it cannot be told to skip bundling.
 */
function appSeconds(bundling: boolean): number {
  const { context } = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: object };
  return timed((outdir) =>
    execFileSync('npx', ['tsx', 'infra/app.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({
          ...context,
          ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
        }),
      },
    }),
  );
}

export async function benchBundles(): Promise<void> {
  benchFunctions();
  if (process.env.BENCH_SYNTH === '0') return;
  const cli = timed((outdir) =>
    execFileSync('npx', ['cdk', 'synth', '-q', '-o', outdir], { cwd: ROOT, stdio: 'inherit' }),
  );
  const bundled = appSeconds(true);
  const unbundled = appSeconds(false);
  console.log(
    `npx cdk synth -q: ${cli.toFixed(1)} s; the app alone ${bundled.toFixed(1)} s, without bundling ` +
      `${unbundled.toFixed(1)} s (${(bundled / unbundled).toFixed(2)}×)`,
  );
}

if (require.main === module) {
  benchBundles().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
