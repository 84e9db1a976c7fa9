import type { MessageRecord } from '../../domain/ports';
import type { LocalExecution } from '../../local/execution-runner';
import { loadWorkflows } from '../../domain/config/load';
import { Tally } from '../../local/simulator/tally';
import { WORKFLOWS_DIR } from '../support/paths';

const FROM = Date.parse('2026-01-01T00:00:00Z');

function execution(journey: string, status: LocalExecution['status'], states: string[]): LocalExecution {
  return {
    executionArn: `arn:aws:states:local:000000000000:execution:rapport-${journey}:x`,
    stateMachineArn: `arn:aws:states:local:000000000000:stateMachine:rapport-${journey}`,
    name: 'x',
    status,
    input: '{}',
    startDate: new Date(FROM),
    statesEntered: states.map((name) => ({ name, at: new Date(FROM) })),
    done: Promise.resolve(),
    abort: () => undefined,
  };
}

describe('the tally a simulation keeps instead of its executions and messages', () => {
  it('bills every state entered, retries included, and counts an execution once per state it entered', () => {
    const tally = new Tally(FROM);
    tally.execution(execution('greet', 'SUCCEEDED', ['greet', 'greet', 'greet-end']));
    tally.execution(execution('greet', 'RUNNING', ['greet']));
    expect(tally.journeys.get('greet')).toEqual({
      started: 2,
      outcomes: { succeeded: 1, running: 1 },
      entered: { greet: 2, 'greet-end': 1 },
      transitions: { greet: 3, 'greet-end': 1 },
    });
  });

  it('counts messages by week, journey and channel, and skips by step and reason', () => {
    const tally = new Tally(FROM);
    const message = (at: string, extra: Partial<MessageRecord>) =>
      ({ journeyId: 'greet', stepId: 'greet', channel: 'email', createdAt: at, ...extra }) as MessageRecord;
    tally.sent(message('2026-01-02T00:00:00Z', { sentAt: '2026-01-08T00:00:00Z' }));
    tally.sent(message('2026-01-03T00:00:00Z', { channel: 'sms' }));
    tally.skipped(message('2026-01-03T00:00:00Z', { reason: 'no-consent' }));
    expect(tally.weekly.get(0)).toEqual({ greet: { sms: 1 } });
    expect(tally.weekly.get(1)).toEqual({ greet: { email: 1 } });
    expect(tally.sentByStep.get('greet/greet')).toBe(2);
    expect(tally.skippedByReason).toEqual({ 'no-consent': 1 });
    expect(tally.skippedByStep.get('greet/greet')).toEqual({ 'no-consent': 1 });
  });

  it('counts an update the send after it applies as entered with that send, and bills it nothing', () => {
    const { journeys } = loadWorkflows(WORKFLOWS_DIR);
    const tally = new Tally(
      FROM,
      journeys.map((j) => j.journey),
    );
    const before = ['holiday-if-near', 'we-miss-you', 'give-it-a-week'];
    tally.execution(
      execution('dormancy-reactivation', 'SUCCEEDED', [...before, 'personal-offer', 'vip-or-not', 'done']),
    );
    // Stopped by its goal during the week's wait: neither the gift nor the offer.
    tally.execution(execution('dormancy-reactivation', 'ABORTED', before));
    const t = tally.journeys.get('dormancy-reactivation')!;
    expect(t.entered['grant-welcome-back-gift']).toBe(1);
    expect(t.entered['personal-offer']).toBe(1);
    expect(t.transitions['grant-welcome-back-gift']).toBeUndefined();
  });
});
