import type { SNSEvent } from 'aws-lambda';
import { memoryStarter } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { InvalidEventError } from '../../domain/errors';
import { suppressionKey } from '../../domain/messages/policy';
import { createDeliveryEventsHandler } from '../../functions/delivery-events/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/local';
import { fixture, seedProfile, startDynalite, type LocalDynamo, type Table } from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);
const NOW = '2026-11-22T10:05:01.000Z';

let dynamo: LocalDynamo;
let table: Table;
let starter: ReturnType<typeof memoryStarter>;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  table = await dynamo.freshTable();
  starter = memoryStarter();
});

const handler = () =>
  createDeliveryEventsHandler({
    ...createObservability(),
    store: table.store,
    starter,
    clock: fixedClock(NOW),
    journeys,
  });
const deliver = (event: SNSEvent) => invokeLambda('rapport-delivery-events', handler(), event);

/** c-42 (li@example.com) is in the dormancy journey (marketing) when the notification comes. */
async function customerInDormancyJourney(patch = {}) {
  await seedProfile(table.store, workflows.lifecycle, { phone: '+8613800138000', ...patch });
  await table.store.putJourneyEntries([
    {
      customerId: 'c-42',
      journeyId: 'dormancy-reactivation',
      journeyVersion: 2,
      executionName: 'dormancy-reactivation-c-42-1',
      executionArn:
        'arn:aws:states:eu-west-1:123456789012:execution:rapport-dormancy-reactivation:dormancy-reactivation-c-42-1',
      enteredAt: '2026-11-01T00:00:00.000Z',
      trigger: { eventId: 'timer', eventType: 'stage', at: '2026-11-01T00:00:00.000Z' },
    },
  ]);
}

describe('delivery-events: SES feedback', () => {
  it('a permanent bounce suppresses the address and the customer, and stops their marketing journey', async () => {
    await customerInDormancyJourney();
    const result = await deliver(fixture<SNSEvent>('sns-ses-bounce-permanent.json'));
    expect(result).toEqual({
      suppressed: [
        {
          customers: ['c-42'],
          stopped: [expect.stringContaining(':execution:rapport-dormancy-reactivation:')],
        },
      ],
      ignored: 0,
    });
    expect(starter.stopped).toHaveLength(1);
    expect(await table.store.getSuppression(suppressionKey('email', 'li@example.com'))).toEqual({
      key: suppressionKey('email', 'li@example.com'),
      channel: 'email',
      reason: 'bounce',
      at: NOW,
      source: 'ses:bounce:0102018f-bounce-feedback-id',
    });
    const profile = await table.store.getProfile('c-42');
    expect(profile?.suppressed).toEqual({
      email: { reason: 'bounce', at: NOW, source: 'ses:bounce:0102018f-bounce-feedback-id' },
    });
    // The number is untouched: the customer can still be reached by SMS.
    expect(profile?.suppressed?.sms).toBeUndefined();
    // Only the hash is kept on the suppression list: no address in any item but the profile.
    const items = (await table.scan()).filter((i) => i.sk !== 'PROFILE');
    expect(JSON.stringify(items)).not.toContain('li@example.com');
  });

  it('the same notification delivered twice (SNS is at least once) changes nothing more', async () => {
    await customerInDormancyJourney();
    await deliver(fixture<SNSEvent>('sns-ses-bounce-permanent.json'));
    const profile = await table.store.getProfile('c-42');
    await deliver(fixture<SNSEvent>('sns-ses-bounce-permanent.json'));
    expect((await table.store.getProfile('c-42'))?.version).toBe(profile?.version);
  });

  it('a complaint suppresses too; a transient bounce (mailbox full) changes nothing', async () => {
    await customerInDormancyJourney();
    expect(await deliver(fixture<SNSEvent>('sns-ses-bounce-transient.json'))).toEqual({
      suppressed: [],
      ignored: 1,
    });
    expect(await table.store.getSuppression(suppressionKey('email', 'li@example.com'))).toBeUndefined();
    await deliver(fixture<SNSEvent>('sns-ses-complaint.json'));
    expect((await table.store.getProfile('c-42'))?.suppressed?.email?.reason).toBe('complaint');
  });

  it('a bounce for an address the customer no longer uses suppresses the address only', async () => {
    await customerInDormancyJourney({ email: 'li.new@example.com' });
    const result = await deliver(fixture<SNSEvent>('sns-ses-bounce-permanent.json'));
    expect(result).toMatchObject({ suppressed: [{ customers: [], stopped: [] }] });
    expect((await table.store.getProfile('c-42'))?.suppressed).toBeUndefined();
    expect(await table.store.getSuppression(suppressionKey('email', 'li@example.com'))).toBeDefined();
  });
});

describe('delivery-events: SMS replies', () => {
  it('STOP from a number Rapport texted suppresses it and finds the customer by the address it texted', async () => {
    await customerInDormancyJourney();
    await table.store.rememberAddress(suppressionKey('sms', '+8613800138000'), 'c-42');
    const result = await deliver(fixture<SNSEvent>('sns-sms-inbound-stop.json'));
    expect(result).toMatchObject({ suppressed: [{ customers: ['c-42'], stopped: [expect.any(String)] }] });
    expect((await table.store.getProfile('c-42'))?.suppressed?.sms).toEqual({
      reason: 'opt-out',
      at: NOW,
      source: 'sms:keyword:STOP',
    });
  });

  it('the other opt-out keywords in any case (退订, TD, unsubscribe) count; other replies do not', async () => {
    const reply = (body: string) => {
      const event = fixture<SNSEvent>('sns-sms-inbound-stop.json');
      const message = JSON.parse(event.Records[0]!.Sns.Message) as Record<string, unknown>;
      event.Records[0]!.Sns.Message = JSON.stringify({ ...message, messageBody: body });
      return deliver(event);
    };
    for (const body of ['退订', 'td', 'Unsubscribe please'])
      expect(await reply(body)).toMatchObject({ suppressed: [expect.any(Object)] });
    expect(await reply('Thanks, see you soon')).toEqual({ suppressed: [], ignored: 1 });
  });
});

describe('delivery-events: hostile or unknown input', () => {
  it('a message that is neither SES feedback nor an inbound text: InvalidEventError naming the fields, nothing written', async () => {
    const event = fixture<SNSEvent>('sns-ses-complaint.json');
    event.Records[0]!.Sns.Message = JSON.stringify({ hello: 'world' });
    const error = await deliver(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).problems.map((p) => p.field)).toContain('mail');
    event.Records[0]!.Sns.Message = 'not json';
    await expect(deliver(event)).rejects.toBeInstanceOf(InvalidEventError);
    // What leaves the handler (and so the Lambda runtime's own log line) quotes no address.
    event.Records[0]!.Sns.Message = JSON.stringify({
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'li@example.com' }] },
      mail: { messageId: 7 },
    });
    const thrown = (await deliver(event).catch((e: unknown) => e)) as InvalidEventError;
    expect(thrown.problems).toEqual([
      expect.objectContaining({ field: 'mail.messageId', value: '[redacted]' }),
    ]);
    expect(`${thrown.message} ${thrown.stack}`).not.toContain('li@example.com');
    expect(await table.scan()).toEqual([]);
  });
});
