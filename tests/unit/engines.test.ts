import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset } from 'semver';
import '../../local/promise-with-resolvers';

const ROOT = join(__dirname, '..', '..');
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

/** Dependencies that declare a narrower range and are made to work on the rest by Rapport itself. */
const BRIDGED: Record<string, string> = {
  // Declares Node >= 22; on Node 20 it only lacks Promise.withResolvers, which local/ adds.
  'aws-local-stepfunctions': 'local/promise-with-resolvers.ts',
};

describe('package.json engines', () => {
  const project = manifest(ROOT);
  const supported = project.engines?.node ?? '*';

  it('promises no Node version that a dependency (runtime or tooling) refuses', () => {
    const refused = Object.keys({ ...project.dependencies, ...project.devDependencies })
      .filter((name) => !(name in BRIDGED))
      .map((name) => ({ name, node: manifest(join(ROOT, 'node_modules', name)).engines?.node }))
      .filter((d) => d.node !== undefined && !subset(supported, d.node));
    expect(refused).toEqual([]);
  });

  it('bridges what it bridges: Promise.withResolvers exists once local/ is loaded', () => {
    expect(
      subset(supported, manifest(join(ROOT, 'node_modules', 'aws-local-stepfunctions')).engines!.node!),
    ).toBe(false);
    expect(typeof (Promise as { withResolvers?: unknown }).withResolvers).toBe('function');
  });
});
