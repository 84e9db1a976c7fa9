/**
 * `tsx tests/bench/profile-shares.ts <file.cpuprofile>`: where a CPU profile's time went, by share, in
 * the pieces the local runtime is made of (a BENCH_PROFILE of the ingest bench, for instance). Native
 * frames count for the nearest JavaScript frame above them (LevelDB's for dynalite's, say).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PACKAGES: [RegExp, string][] = [
  [/^(dynalite|.*level.*|lazy|async|lock|buffer-crc32|big\.js)$/, 'dynalite + LevelDB (the store itself)'],
  [/^@(smithy|aws-sdk)\//, 'AWS SDK client (middleware, serialise, parse)'],
  [
    /^(nodemailer|mailparser|@zone-eu\/.*|libmime|libqp|libbase64|iconv-lite|html-to-text)$/,
    'email (compose, and parse in the local SES)',
  ],
  [/^(aws-ses-v2-local|express|body-parser|router|raw-body|send|qs)$/, 'local SES server (express)'],
  [/^(aws-local-stepfunctions|jsonpath-plus|lodash)$/, 'local Step Functions interpreter'],
  [/^@(middy|aws-lambda-powertools)\//, 'middy + Powertools'],
  [/^zod$/, 'zod'],
  [/^liquidjs$/, 'Liquid templates'],
];

function bucketOfUrl(url: string): string | undefined {
  if (!url) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return PACKAGES.find(([re]) => re.test(pkg))?.[1] ?? `other package (${pkg})`;
  if (url.startsWith('node:')) {
    if (/_http|net|stream|events|buffer|url|timers|string_decoder/.test(url))
      return 'Node HTTP, sockets, streams';
    if (/crypto/.test(url)) return 'Node crypto';
    if (/task_queues|promise/.test(url)) return 'Node promise and tick queues';
    return 'Node, other';
  }
  const dir = /\/(domain|functions|adapters|local|tests)\//.exec(url)?.[1];
  return dir ? `Rapport ${dir}/` : 'other';
}

const VM: Record<string, string> = {
  '(garbage collector)': 'garbage collection',
  '(idle)': 'idle',
  '(program)': 'VM, unattributed',
};

function shares(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const bucketOf = (id: number): string => {
    const frame = byId.get(id)!.callFrame;
    if (VM[frame.functionName]) return VM[frame.functionName]!;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const bucket = bucketOfUrl(byId.get(at)!.callFrame.url);
      if (bucket) return bucket;
    }
    return 'native, unattributed';
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const bucket = bucketOf(id);
    totals.set(bucket, (totals.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx tests/bench/profile-shares.ts <file.cpuprofile>');
const totals = shares(JSON.parse(readFileSync(file, 'utf8')) as Profile);
const all = [...totals.values()].reduce((a, b) => a + b, 0);
console.log(`${(all / 1e6).toFixed(2)} s sampled`);
for (const [bucket, us] of [...totals].sort((a, b) => b[1] - a[1]))
  if (us / all >= 0.002) console.log(`${((100 * us) / all).toFixed(1).padStart(5)}%  ${bucket}`);
