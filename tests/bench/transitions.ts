/**
 * Step Functions state transitions per email, per shipped journey: the largest AWS cost of the program
 * ($0.025 per 1,000 transitions). Figures, not assertions (tests/unit/journey-transitions.test.ts pins
 * the paths). Two views:
 * - the ASL: the ordinary path of each journey walked through its compiled definition (no deferral, no
 *   retry, no goal), its transitions divided by the sends on it; and what one deferral adds to a send;
 * - a generated population through the simulator (`rapport simulate --generate`): the transitions its
 *   executions were billed, divided by the send steps entered (each costs its transitions whether it
 *   sends or is skipped) and by the messages actually sent.
 *
 * `npx tsx tests/bench/transitions.ts`; BENCH_TRANSITIONS_CUSTOMERS (default 2,000, 0 for the ASL view
 * alone), BENCH_TRANSITIONS_MONTHS (default 6).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { SEND_MESSAGE_RESOURCE, type Asl } from '../../domain/journey/compile';
import type { SimulationResult } from '../../domain/simulate/result';
import { transitionsOfPath, walkExecution } from '../../domain/simulate/transitions';
import { WORKFLOWS_DIR } from '../support/paths';

const customers = Number(process.env.BENCH_TRANSITIONS_CUSTOMERS ?? 2_000);
const months = Number(process.env.BENCH_TRANSITIONS_MONTHS ?? 6);
const BIN = join(__dirname, '..', '..', 'bin', 'rapport.cjs');

const isSend = (asl: Asl, name: string) => {
  const state = asl.States[name];
  return state?.Type === 'Task' && state.Resource === SEND_MESSAGE_RESOURCE;
};
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
const row = (cells: (string | number)[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i]!))).join('  ');

/** The ordinary path of each shipped journey through its compiled ASL. */
function aslView(journeys: ReturnType<typeof loadWorkflows>['journeys']): void {
  const widths = [26, 11, 5, 9, 14];
  console.log('transitions per email, ordinary path of the compiled ASL (no deferral, retry or goal):');
  console.log(row(['  journey', 'transitions', 'sends', 'per email', '+ per deferral'], widths));
  for (const { journey, asl: text } of journeys) {
    const asl = JSON.parse(text) as Asl;
    const path = walkExecution(asl);
    const sends = path.filter((name) => isSend(asl, name));
    const first = sends[0];
    // A deferral is caught into `<send>-deferred`, then the Wait, then the send again.
    const deferred = first
      ? transitionsOfPath(asl, walkExecution(asl, { turns: { [first]: [`${first}-deferred`] } })) -
        transitionsOfPath(asl, path)
      : 0;
    const cells = [`  ${journey.id}`, transitionsOfPath(asl, path), sends.length];
    console.log(row([...cells, ratio(transitionsOfPath(asl, path), sends.length), deferred || '-'], widths));
  }
}

async function simulate(): Promise<SimulationResult> {
  const args = ['simulate', '--generate', String(customers), '--months', String(months)];
  args.push('--workflows', WORKFLOWS_DIR, '--workers', '1', '--json');
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`rapport ${args.join(' ')} exited ${code}`);
  return JSON.parse(Buffer.concat(out).toString()) as SimulationResult;
}

/** A generated population through the simulator: billed transitions per send step entered and per message. */
function simulatedView(result: SimulationResult): void {
  const widths = [26, 11, 13, 9, 14, 9];
  console.log(
    `transitions per email, ${customers.toLocaleString('en-US')} generated customers over ${months} months ` +
      '(every deferral, retry and goal included):',
  );
  console.log(
    row(['  journey', 'transitions', 'sends entered', 'per send', 'messages sent', 'per sent'], widths),
  );
  let all = { transitions: 0, entered: 0, sent: 0 };
  for (const j of result.journeys) {
    const transitions = Object.values(result.usage.transitionsByState[j.journeyId] ?? {}).reduce(
      (sum, n) => sum + n,
      0,
    );
    const sends = j.funnel.filter((s) => s.type === 'send');
    const entered = sends.reduce((sum, s) => sum + s.entered, 0);
    const sent = sends.reduce((sum, s) => sum + (s.sent ?? 0), 0);
    all = {
      transitions: all.transitions + transitions,
      entered: all.entered + entered,
      sent: all.sent + sent,
    };
    if (!transitions) continue;
    const cells = [`  ${j.journeyId}`, transitions, entered, ratio(transitions, entered), sent];
    console.log(row([...cells, ratio(transitions, sent)], widths));
  }
  const total = [
    '  all journeys',
    all.transitions,
    all.entered,
    ratio(all.transitions, all.entered),
    all.sent,
  ];
  console.log(row([...total, ratio(all.transitions, all.sent)], widths));
}

export async function benchTransitions(): Promise<void> {
  aslView(loadWorkflows(WORKFLOWS_DIR).journeys);
  if (customers > 0) simulatedView(await simulate());
}

if (require.main === module)
  benchTransitions().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
