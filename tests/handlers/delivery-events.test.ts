import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { SNSEvent } from 'aws-lambda';
import { memoryPublisher } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { InvalidEventError } from '../../domain/errors';
import { engagementSubject } from '../../domain/events/types';
import { suppressionKey } from '../../domain/messages/policy';
import { createDeliveryEventsHandler } from '../../functions/delivery-events/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { directStarter, servicesOnDynalite, stoppedExecutions } from '../support/checked-services';
import { WORKFLOWS_DIR } from '../support/paths';
import { fixture, seedProfile, type Table } from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);
const NOW = '2026-11-22T10:05:01.000Z';

// As functions/delivery-events/index.ts wires it: Step Functions directly (it stops and resumes, never
// starts), each call checked against delivery-events' role. Its publisher there makes no AWS call (it
// refuses any lifecycle change): an in-memory one stands for it.
let table: Table;
const services = servicesOnDynalite(NOW, (t) => (table = t));
const starter = {
  get stopped() {
    return stoppedExecutions(services);
  },
};

const handler = () =>
  createDeliveryEventsHandler({
    ...createObservability(),
    store: table.storeFor('delivery-events'),
    starter: directStarter('delivery-events', services),
    clock: fixedClock(NOW),
    journeys,
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: memoryPublisher(),
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
      engaged: [],
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
      engaged: [],
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
    expect(await reply('Thanks, see you soon')).toEqual({ suppressed: [], engaged: [], ignored: 1 });
  });
});

describe('delivery-events: engagement', () => {
  const eventsOf = async () =>
    (await table.scan())
      .filter((i) => String(i.sk).startsWith('EVENT#'))
      .sort((a, b) => String(a.at).localeCompare(String(b.at)));
  const MESSAGE = {
    key: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    journeyId: 'dormancy-reactivation',
    stepId: 'personal-offer',
  };

  it("SES Delivery, Open and Click become the customer's events, attributed by the message tags", async () => {
    await customerInDormancyJourney();
    const before = await table.store.getProfile('c-42');
    for (const [file, type] of [
      ['sns-ses-delivery.json', 'email-delivered'],
      ['sns-ses-open.json', 'email-opened'],
      ['sns-ses-click.json', 'email-clicked'],
    ] as const)
      expect(await deliver(fixture<SNSEvent>(file))).toEqual({
        suppressed: [],
        engaged: [{ type, status: 'accepted' }],
        ignored: 0,
      });
    const events = await eventsOf();
    expect(events.map((e) => [e.type, e.eventId, e.at])).toEqual([
      ['email-delivered', 'ses:delivery:0102018f-example-ses-message-id', '2026-11-22T10:00:05Z'],
      ['email-opened', 'ses:open:0102018f-example-ses-message-id:1795341821000', '2026-11-22T10:03:41Z'],
      [
        'email-clicked',
        expect.stringMatching(/^ses:click:0102018f-example-ses-message-id:1795341852000:[0-9a-f]{12}$/),
        '2026-11-22T10:04:12Z',
      ],
    ]);
    expect(events[2]).toMatchObject({
      state: 'done',
      about: { ...MESSAGE, link: 'https://shop.rapport.example/offers/autumn' },
    });
    // No stage, no lastEvent, no journey stopped: an open is not a purchase. Nothing to write on the
    // profile at all (issue 13): the event records are what make each count once.
    expect(await table.store.getProfile('c-42')).toEqual(before);
    expect(starter.stopped).toEqual([]);
    // The address the email went to is nowhere in what was stored for the events.
    expect(JSON.stringify(events)).not.toContain('li@example.com');
  });

  it('a click resumes the journey step waiting for a click on that message, with its task token, once', async () => {
    await customerInDormancyJourney();
    const subject = engagementSubject('email-clicked', MESSAGE.key);
    await table.store.putAwait({
      customerId: 'c-42',
      awaitKey: `${subject}#0123456789abcdef`,
      event: 'email-clicked',
      messageKey: MESSAGE.key,
      taskToken: 'task-token-1',
      journeyId: 'dormancy-reactivation',
      stepId: 'offer-clicked',
      executionId: 'dormancy-reactivation-c-42-1',
      since: '2026-11-22T10:00:06Z',
    });
    await deliver(fixture<SNSEvent>('sns-ses-click.json'));
    await deliver(fixture<SNSEvent>('sns-ses-click.json'));
    const resumed = services.stubs.sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input);
    expect(resumed).toEqual([expect.objectContaining({ taskToken: 'task-token-1' })]);
    expect(JSON.parse(resumed[0]!.output!)).toMatchObject({
      type: 'email-clicked',
      link: 'https://shop.rapport.example/offers/autumn',
    });
    expect(await table.store.listAwaits('c-42', subject)).toEqual([]);
  });

  it('SNS delivering the same notification twice records (and counts) it once', async () => {
    await customerInDormancyJourney();
    await deliver(fixture<SNSEvent>('sns-ses-click.json'));
    const again = await deliver(fixture<SNSEvent>('sns-ses-click.json'));
    expect(again.engaged).toEqual([{ type: 'email-clicked', status: 'duplicate' }]);
    expect(await eventsOf()).toHaveLength(1);
  });

  // No journey waits for an open: its record is written done at once, with no claim before it.
  it('an open delivered twice at the same moment is recorded once: the other delivery is a duplicate', async () => {
    await customerInDormancyJourney();
    const open = fixture<SNSEvent>('sns-ses-open.json');
    const both = await Promise.all([deliver(open), deliver(open)]);
    expect(both.map((r) => r.engaged[0]?.status).sort()).toEqual(['accepted', 'duplicate']);
    expect(await eventsOf()).toEqual([expect.objectContaining({ type: 'email-opened', state: 'done' })]);
    expect((await deliver(open)).engaged).toEqual([{ type: 'email-opened', status: 'duplicate' }]);
  });

  it("an End User Messaging TEXT_DELIVERED event is sms-delivered, attributed by the send's Context", async () => {
    await customerInDormancyJourney();
    expect((await deliver(fixture<SNSEvent>('sns-sms-delivered.json'))).engaged).toEqual([
      { type: 'sms-delivered', status: 'accepted' },
    ]);
    expect(await eventsOf()).toEqual([
      expect.objectContaining({
        type: 'sms-delivered',
        eventId: 'sms:delivered:862a8790-60c0-4430-9b2b-658bdexample',
        at: '2026-11-22T10:00:05Z',
        about: {
          key: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
          journeyId: 'dormancy-reactivation',
          stepId: 'offer-sms',
        },
      }),
    ]);
  });

  it('an open of a customer with no profile (erased since) recreates none and records nothing', async () => {
    expect((await deliver(fixture<SNSEvent>('sns-ses-open.json'))).engaged).toEqual([
      { type: 'email-opened', status: 'erased' },
    ]);
    expect(await table.scan()).toEqual([]);
  });

  it('an event of an email Rapport cannot attribute (no message tag) is ignored, not dead-lettered', async () => {
    const event = fixture<SNSEvent>('sns-ses-open.json');
    const message = JSON.parse(event.Records[0]!.Sns.Message) as { mail: { tags: Record<string, unknown> } };
    delete message.mail.tags.message;
    event.Records[0]!.Sns.Message = JSON.stringify(message);
    expect(await deliver(event)).toEqual({ suppressed: [], engaged: [], ignored: 1 });
    expect(await table.scan()).toEqual([]);
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
