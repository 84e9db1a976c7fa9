import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RapportError } from '../../domain/errors';

/**
 * The Lambda bundles are minified without esbuild's `keepNames` (it cost 23–33 KB a bundle), so an error's
 * name cannot come from its class at run time: each class states it. A name that differs from the class's
 * own would raise an error no Retry or Catch (built from the class names by the compiler) matches.
 */
const ROOT = join(__dirname, '..', '..');
const DIRS = ['domain', 'adapters', 'functions', 'local'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = DIRS.flatMap((d) => sources(join(ROOT, d)));
const declaring = files.filter((f) => /class \w+Error extends/.test(readFileSync(f, 'utf8')));

describe('error class names', () => {
  it('are stated in every Rapport error class, as the class is named', () => {
    const wrong: string[] = [];
    for (const file of declaring) {
      const text = readFileSync(file, 'utf8');
      for (const [, name, base] of text.matchAll(/class (\w+Error) extends (\w+)/g)) {
        // Only Rapport's own errors: local tools' plain Errors are matched by nothing.
        if (base === 'Error') continue;
        if (!text.includes(`override readonly name: string = '${name}';`))
          wrong.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reach the instances of every exported one', async () => {
    const checked: string[] = [];
    for (const file of declaring) {
      for (const [key, value] of Object.entries((await import(file)) as Record<string, unknown>)) {
        if (typeof value !== 'function' || !(value.prototype instanceof RapportError)) continue;
        const error = Reflect.construct(value, ['x', []]) as Error;
        expect({ key, name: error.name }).toEqual({ key, name: value.name });
        checked.push(key);
      }
    }
    // The ones Step Functions matches on are among them.
    expect(checked).toEqual(
      expect.arrayContaining(['SendDeferredError', 'VersionConflictError', 'MessageThrottledError']),
    );
  });
});
