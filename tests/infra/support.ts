import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { type Template } from 'aws-cdk-lib/assertions';
import { parse, stringify } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
export const WORKFLOWS_DIR = join(REPO_ROOT, 'workflows');

/** A sender buildApp accepts (not on a reserved example domain): the app refuses to synth without one. */
export const TEST_SENDER = 'Rapport Tests <no-reply@mail.rapport-demo.org>';

/**
 * Context that keeps unit-test synths fast: no esbuild (functions get a placeholder asset) and no
 * builtin CloudFormation validation. `npx cdk synth` keeps both. With a sender, which cdk.json gives the CLI.
 */
export const FAST_SYNTH: AppProps = {
  context: { 'aws:cdk:bundling-stacks': [], senderAddress: TEST_SENDER },
  builtinCloudFormationValidation: false,
};

export function fastApp(props: AppProps = {}): App {
  return new App({ ...FAST_SYNTH, ...props, context: { ...FAST_SYNTH.context, ...props.context } });
}

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** A scratch copy of the shipped workflows; `edit` may change it before it is loaded. */
export function scratchWorkflows(edit: (dir: string) => void = () => {}): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'rapport-infra-'));
  const dir = join(root, 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  edit(dir);
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The shipped journey files (`workflows/journeys/*.yaml`), in directory order. */
export function journeyFiles(dir: string): string[] {
  return readdirSync(join(dir, 'journeys'))
    .filter((n) => n.endsWith('.yaml'))
    .sort();
}

/** The template ids of a workflows directory (`templates/<id>/`; `_layout` and the like are not templates). */
export function templateIds(dir: string): string[] {
  return readdirSync(join(dir, 'templates'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
}

/** Writes `workflows/journeys/<id>.yaml` from a journey document. */
export function writeJourney(dir: string, doc: { id: string } & Record<string, unknown>): void {
  writeFileSync(join(dir, 'journeys', `${doc.id}.yaml`), stringify(doc));
}

/** Rewrites one journey YAML file through `change`, which gets and returns its parsed document. */
export function rewriteJourney(
  path: string,
  change: (doc: Record<string, unknown>) => Record<string, unknown>,
  to = path,
): void {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(to, stringify(change(doc)));
}

/**
 * Renders a CloudFormation string value (`Fn::Join` of literals, `Ref`s and `Fn::GetAtt`s) as text with
 * `{Ref:X}` / `{GetAtt:X.Attr}` / `{Pseudo}` placeholders, so that assertions can read what it will become.
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(cfnText).join(sep);
    }
    if ('Ref' in v)
      return String(v.Ref).startsWith('AWS::') ? `{${String(v.Ref)}}` : `{Ref:${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) return `{GetAtt:${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  throw new Error(`cfnText: cannot render ${JSON.stringify(value)}`);
}

/** The logical id of the only resource of `type` whose properties match `props` (fails unless exactly one). */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching ${JSON.stringify(props)}; found ${ids.length}`);
  return ids[0] as string;
}

/**
 * Whether an EventBridge event pattern matches an event, for the patterns infra/ writes: fields compared
 * with lists of exact values, nested objects for nested fields. Any other filter (prefix, anything-but,
 * numeric, exists, …) throws, so that a test never passes on a pattern this matcher cannot read.
 */
export function patternMatches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (Array.isArray(expected)) {
      const unread = expected.filter((v) => typeof v !== 'string' && typeof v !== 'number');
      if (unread.length) throw new Error(`patternMatches: cannot read the filter ${JSON.stringify(unread)}`);
      return [actual].flat().some((a) => expected.includes(a));
    }
    if (expected && typeof expected === 'object') {
      return (
        !!actual &&
        typeof actual === 'object' &&
        patternMatches(expected as Record<string, unknown>, actual as Record<string, unknown>)
      );
    }
    throw new Error(`patternMatches: ${field} must be a list or an object; got ${JSON.stringify(expected)}`);
  });
}

/**
 * Whether an IAM resource pattern (`*` any run of characters, `?` one; both rendered by cfnText) allows
 * `arn`: how IAM matches an ARN against a policy's Resource.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`).test(arn);
}
