import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { memoryPublisher, memoryStarter } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { ingestEvent } from '../../domain/ingest';
import { suppressionKey } from '../../domain/messages/policy';
import type { SendMessageInput, SendMessageResult } from '../../domain/messages/send';
import { invokeLambda } from '../../local/lambda';
import { countCalls } from '../support/sdk-calls';
import { WORKFLOWS_DIR } from '../support/paths';
import { fixture, PURCHASE, sendingOnDynalite } from './support';
import { realSendHandler } from './send-wiring';

/**
 * A send trusts the profile's suppression check instead of reading the list (see suppressionChecked), so
 * the list entries made before the customer existed must reach the profile through ingest: on dynalite,
 * through the real adapter, a new customer whose address is already listed is never sent to.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T10:00:03.000Z');
const { sesClient, ses, smsClient, dynamo } = sendingOnDynalite();

it('a new customer whose address a complaint listed before: skipped/suppressed, no read of the list, no email', async () => {
  const table = await dynamo().freshTable();
  ses.reset();
  ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  await table.store.putSuppression({
    key: suppressionKey('email', 'Li@Example.com'),
    channel: 'email',
    reason: 'complaint',
    at: '2026-10-01T00:00:00.000Z',
    source: 'ses:complaint:f-1',
  });
  const lifecycle = { lifecycle: workflows.lifecycle, calendar: workflows.calendar, clock };
  const journeys = workflows.journeys.map((j) => j.journey);
  await ingestEvent(PURCHASE, {
    ...lifecycle,
    store: table.storeFor('ingest-event'),
    starter: memoryStarter(),
    publisher: memoryPublisher(),
    journeys,
  });
  const send = realSendHandler({ table, workflows, clients: { sesClient, smsClient }, clock });
  const dynamodb = countCalls(dynamo().clientFor('send-message'));
  const task = fixture<SendMessageInput>('sfn-send-message-task.json');
  const result: SendMessageResult = await invokeLambda('rapport-send-message', send, task);
  expect(result).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  expect(dynamodb.byCommand().GetItem).toBeUndefined();
  expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(0);
});
