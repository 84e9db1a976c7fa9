import type { MessageRecord } from '../../domain/ports';
import type { LocalExecution } from '../../local/execution-runner';
import { Tally } from '../../local/simulator/tally';

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
});
