import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PORT_VARIABLES, type Ports } from '../../local/ports';

const ROOT = join(__dirname, '..', '..');

export type { Ports };

/**
 * A port for each service that nothing listens on right now, all different: every one is held open until
 * all are chosen (closed one by one, the OS could hand the same port out twice), then closed for use.
 */
export async function freePorts(): Promise<Ports> {
  const names = Object.keys(PORT_VARIABLES) as (keyof Ports)[];
  const servers = await Promise.all(
    names.map(async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = Object.fromEntries(
    names.map((name, i) => [name, (servers[i]!.address() as AddressInfo).port]),
  ) as Ports;
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

export interface SpawnedRapport {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code when the process ends (at once if it already has). */
  exited: Promise<number | null>;
  /** Resolves true once the start banner is printed, false if the process ends first. */
  started: Promise<boolean>;
  stop(): Promise<number | null>;
}

/** `npm start` as a user runs it (local/main.ts through tsx), on the given ports and data folder. */
export function spawnRapport(dataDir: string, ports: Ports): SpawnedRapport {
  const env: NodeJS.ProcessEnv = { ...process.env, RAPPORT_DATA_DIR: dataDir };
  for (const [name, [variable]] of Object.entries(PORT_VARIABLES))
    env[variable] = String(ports[name as keyof Ports]);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<boolean>((resolve) => {
    child.stdout!.on('data', () => text.includes('Rapport is running') && resolve(true));
    void exited.then(() => resolve(false));
  });
  return {
    child,
    output: () => text,
    exited,
    started,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/**
 * `npm start` on free ports, started: a port chosen free can still be taken by another test process
 * before Rapport binds it, so a start refused for a busy port is tried again on new ports (3 times).
 */
export async function startRapportOnFreePorts(
  dataDir: string,
  spawned: SpawnedRapport[] = [],
): Promise<{ rapport: SpawnedRapport; ports: Ports }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts();
    const rapport = spawnRapport(dataDir, ports);
    spawned.push(rapport);
    if (await rapport.started) return { rapport, ports };
    if (attempt === 3 || !/ is in use/.test(rapport.output()))
      throw new Error(`Rapport did not start:\n${rapport.output()}`);
  }
}
