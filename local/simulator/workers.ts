import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SimulationResult } from '../../domain/simulate/result';

const BIN = join(__dirname, '..', '..', 'bin', 'rapport.cjs');

/**
 * Runs `rapport simulate <args>` once per part of the population, each in a process of its own (one per
 * core), and returns the parts' results to be merged (domain/simulate/merge.ts). A part that fails fails
 * the whole, with what it printed. Lines a part writes on stderr starting with `progress.prefix` are given
 * to `onLine` with the part's number, not kept.
 */
export async function simulateInParts(
  args: readonly string[],
  parts: number,
  progress?: { prefix: string; onLine: (part: number, line: string) => void },
): Promise<SimulationResult[]> {
  return Promise.all(
    Array.from({ length: parts }, (_, index) =>
      simulatePart([...args, '--shard', `${index}/${parts}`, '--json'], (line) =>
        progress && line.startsWith(progress.prefix)
          ? (progress.onLine(index, line.slice(progress.prefix.length)), true)
          : false,
      ),
    ),
  );
}

function simulatePart(args: string[], taken: (line: string) => boolean): Promise<SimulationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: string[] = [];
    let partial = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (!taken(line)) err.push(`${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(
          new Error(`rapport simulate ${args.join(' ')} exited ${code}:\n${err.join('')}${partial}`),
        );
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()) as SimulationResult);
      } catch (e) {
        reject(new Error(`rapport simulate ${args.join(' ')} printed no result`, { cause: e }));
      }
    });
  });
}
