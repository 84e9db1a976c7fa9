import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { SEND_TIMEOUT_SECONDS } from '../../domain/messages/interrupted';
import { messageKey, type SendMessageInput } from '../../domain/messages/send';
import { createObservability, METRIC } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/paths';
import { fixture, killedSendClaim, sendingOnDynalite, seedProfile, type Table } from './support';
import { realSendHandler } from './send-wiring';

/**
 * Issue 10, stuck `sending` records, through the send-message handler on dynalite: Step Functions runs
 * the step again (the fixture task input) after the attempt that claimed the message died.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const CLAIMED = '2026-11-22T10:00:00.000Z';
const task = fixture<SendMessageInput>('sfn-send-message-task.json');
const key = messageKey(task.executionId, task.stepId);

let table: Table;
const { sesClient, ses, smsClient, sms, dynamo } = sendingOnDynalite();
beforeEach(async () => {
  table = await dynamo().freshTable();
  ses.reset();
  ses.on(SendRawEmailCommand).resolves({ MessageId: 'must-not-be-sent' });
  sms.reset();
  sms.on(SendTextMessageCommand).resolves({ MessageId: 'must-not-be-sent' });
  await seedProfile(table.store, workflows.lifecycle);
  const claim = killedSendClaim(task, CLAIMED);
  expect(await table.store.claimMessage(claim)).toBe(true);
});

/** A handler whose clock reads `secondsAfterClaim` after the dead attempt's claim; counts its metrics. */
function handler(secondsAfterClaim: number) {
  const observability = createObservability();
  const counted = jest.spyOn(observability.metrics, 'addMetric');
  const h = realSendHandler({
    table,
    workflows,
    clients: { sesClient, smsClient },
    clock: fixedClock(new Date(Date.parse(CLAIMED) + secondsAfterClaim * 1000).toISOString()),
    sender: 'hello@rapport.example',
    linkSecret: 'k',
    observability,
  });
  const inDoubtCounted = () => counted.mock.calls.filter(([name]) => name === METRIC.messagesInDoubt);
  return {
    run: () => invokeLambda('rapport-send-message', h, fixture('sfn-send-message-task.json')),
    inDoubtCounted,
  };
}

const providerCalls = () =>
  ses.commandCalls(SendRawEmailCommand).length + sms.commandCalls(SendTextMessageCommand).length;

describe('send-message: a retry finds the claim of an attempt that died', () => {
  it('past the send time limit: in-doubt (interrupted), MessagesInDoubt counted once, nothing sent', async () => {
    const { run, inDoubtCounted } = handler(SEND_TIMEOUT_SECONDS + 1);
    expect(await run()).toMatchObject({
      status: 'duplicate',
      previous: 'in-doubt',
      interrupted: true,
      until: null,
    });
    expect(await run()).toMatchObject({ status: 'duplicate', previous: 'in-doubt', until: null });
    expect(inDoubtCounted()).toEqual([[METRIC.messagesInDoubt, 'Count', 1]]);
    expect(await table.store.getMessage(task.customerId, key)).toMatchObject({
      status: 'in-doubt',
      inDoubtReason: 'interrupted',
      claimedAt: CLAIMED,
    });
    expect(providerCalls()).toBe(0);
  });

  it('within the limit: left sending, nothing counted, nothing sent', async () => {
    const { run, inDoubtCounted } = handler(SEND_TIMEOUT_SECONDS - 1);
    expect(await run()).toMatchObject({ status: 'duplicate', previous: 'sending' });
    expect(inDoubtCounted()).toEqual([]);
    expect(await table.store.getMessage(task.customerId, key)).toMatchObject({ status: 'sending' });
    expect(providerCalls()).toBe(0);
  });

  it('two retries racing on DynamoDB conditional writes: one transition, counted once', async () => {
    const a = handler(SEND_TIMEOUT_SECONDS * 2);
    const b = handler(SEND_TIMEOUT_SECONDS * 2);
    const results = await Promise.all([a.run(), b.run(), a.run(), b.run()]);
    expect(results.map((r) => (r as { previous: string }).previous)).toEqual(Array(4).fill('in-doubt'));
    expect(results.filter((r) => (r as { interrupted?: true }).interrupted)).toHaveLength(1);
    expect(a.inDoubtCounted().length + b.inDoubtCounted().length).toBe(1);
    expect(providerCalls()).toBe(0);
  });
});
