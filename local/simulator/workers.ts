import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SimulationResult } from '../../domain/simulate/result';

const BIN = join(__dirname, '..', '..', 'bin', 'rapport.cjs');

/**
 * Runs `rapport simulate <args>` once per part of the population, each in a process of its own (one per
 * core), and returns the parts' results to be merged (domain/simulate/merge.ts). A part that fails fails
 * the whole, with what it printed.
 */
export async function simulateInParts(args: readonly string[], parts: number): Promise<SimulationResult[]> {
  return Promise.all(
    Array.from({ length: parts }, (_, index) =>
      simulatePart([...args, '--shard', `${index}/${parts}`, '--json']),
    ),
  );
}

function simulatePart(args: string[]): Promise<SimulationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(
          new Error(`rapport simulate ${args.join(' ')} exited ${code}:\n${Buffer.concat(err).toString()}`),
        );
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()) as SimulationResult);
      } catch (e) {
        reject(new Error(`rapport simulate ${args.join(' ')} printed no result`, { cause: e }));
      }
    });
  });
}
