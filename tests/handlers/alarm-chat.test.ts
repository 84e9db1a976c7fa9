import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';
import type { ChatFormat } from '../../functions/alarm-chat/chat-format';
import { createAlarmChatHandler } from '../../functions/alarm-chat/handler';
import { WEBHOOK_PLACEHOLDER, webhookUrlFrom } from '../../functions/alarm-chat/webhook-url';
import { createLogger } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { fixture } from './support';

/** The fixture: CloudWatch's notification of send-message's error-rate alarm turning ALARM, as SNS delivers it. */
const ALARM_EVENT = fixture<SNSEvent>('sns-cloudwatch-alarm.json');
const NAME = 'Rapport-lambda-errors-send-message';
const CONSOLE =
  'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/' + NAME;
const REASON =
  'Threshold Crossed: 1 out of the last 1 datapoints [0.125 (22/11/26 10:00:00)] was greater than or ' +
  'equal to the threshold (0.05) (minimum 1 datapoint for OK -> ALARM transition).';
const MEANING =
  'send-message: 5% or more of its invocations failed in 5 minutes; look at its log for the errors';
/** The webhook's path holds its credential, as Slack's does: it must never be quoted. */
const SECRET_PATH = '/services/T0001/B0001/s3cr3t-t0k3n';

/** The same notification when the alarm is over. */
function okEvent(): SNSEvent {
  const record = ALARM_EVENT.Records[0]!;
  const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
  const ok = {
    ...message,
    NewStateValue: 'OK',
    OldStateValue: 'ALARM',
    NewStateReason: 'Threshold Crossed: back',
  };
  return {
    Records: [{ ...record, Sns: { ...record.Sns, Subject: `OK: "${NAME}"`, Message: JSON.stringify(ok) } }],
  };
}

interface Received {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
}

/** A webhook on a local port: records each POST, answers with `status` (none: never answers). */
async function webhook(answer: { status?: number; text?: string } = { status: 200, text: 'ok' }) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body,
      });
      if (answer.status !== undefined) res.writeHead(answer.status).end(answer.text ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`;
  return {
    received,
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function handlerFor(format: ChatFormat, url: string, timeoutMs?: number) {
  return createAlarmChatHandler({
    logger: createLogger({ logLevel: 'SILENT' }),
    format,
    webhookUrl: async () => url,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

async function post(format: ChatFormat, event: SNSEvent): Promise<Received> {
  const hook = await webhook();
  try {
    expect(await invokeLambda('rapport-alarm-chat', handlerFor(format, hook.url), event)).toEqual({
      posted: 1,
    });
    expect(hook.received).toHaveLength(1);
    const [got] = hook.received;
    expect(got).toMatchObject({ method: 'POST', path: SECRET_PATH, contentType: 'application/json' });
    return got!;
  } finally {
    await hook.close();
  }
}

describe('alarm-chat', () => {
  it('posts an ALARM to Slack: name, state, meaning, reason, runbook key and console link', async () => {
    const { body } = await post('slack', ALARM_EVENT);
    expect(body).toEqual({
      text:
        `*🔴 ALARM: ${NAME}*\n${MEANING}\nReason: ${REASON.replace('->', '-&gt;')}\n` +
        `Runbook: lambda-errors (README "Runbook: alarms")\n<${CONSOLE}|Open in the CloudWatch console>`,
    });
  });

  it('posts the OK to Teams as an Adaptive Card, to Chime as Markdown, and as plain JSON', async () => {
    const teams = (await post('teams', okEvent())).body as {
      attachments: { content: { body: { text: string }[]; actions: { url: string }[] } }[];
    };
    const card = teams.attachments[0]!.content;
    expect(card.body.map((b) => b.text)).toEqual([
      `✅ OK: ${NAME}`,
      MEANING,
      'Reason: Threshold Crossed: back',
      'Runbook: lambda-errors (README "Runbook: alarms")',
    ]);
    expect(card.actions).toEqual([expect.objectContaining({ url: CONSOLE })]);

    const chime = (await post('chime', okEvent())).body as { Content: string };
    expect(chime.Content).toBe(
      `/md **✅ OK: ${NAME}**\n${MEANING}\nReason: Threshold Crossed: back\n` +
        `Runbook: lambda-errors (README "Runbook: alarms")\n[Open in the CloudWatch console](${CONSOLE})`,
    );

    expect((await post('json', okEvent())).body).toEqual({
      kind: 'alarm',
      state: 'OK',
      previousState: 'ALARM',
      alarmName: NAME,
      description: MEANING,
      reason: 'Threshold Crossed: back',
      runbook: 'lambda-errors',
      consoleUrl: CONSOLE,
      at: '2026-11-22T10:05:12.345+0000',
    });
  });

  it('forwards anything else published on the topic as text', async () => {
    const record = ALARM_EVENT.Records[0]!;
    const test = {
      Records: [{ ...record, Sns: { ...record.Sns, Subject: 'Test', Message: 'hello <on-call>' } }],
    };
    expect((await post('slack', test)).body).toEqual({ text: 'Test\nhello &lt;on-call&gt;' });
  });

  it('throws ChatWebhookError on a non-2xx answer, naming the status and never the URL', async () => {
    const hook = await webhook({ status: 404, text: 'no_service' });
    try {
      const failed = invokeLambda('rapport-alarm-chat', handlerFor('slack', hook.url), ALARM_EVENT);
      await expect(failed).rejects.toMatchObject({ name: 'ChatWebhookError', status: 404 });
      const error = (await failed.catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('the chat webhook answered 404: no_service');
      expect(error.message).not.toContain('s3cr3t');
    } finally {
      await hook.close();
    }
  });

  it('throws ChatWebhookError when the webhook does not answer in time', async () => {
    const hook = await webhook({});
    try {
      await expect(
        invokeLambda('rapport-alarm-chat', handlerFor('slack', hook.url, 100), ALARM_EVENT),
      ).rejects.toMatchObject({
        name: 'ChatWebhookError',
        message: 'the chat webhook did not answer (TimeoutError)',
      });
      expect(hook.received).toHaveLength(1);
    } finally {
      await hook.close();
    }
  });
});

describe('the webhook URL in its secret', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rapport-chat-AbCdEf';

  it('refuses the placeholder, without keeping it: the next notification reads the secret again', async () => {
    const values = [WEBHOOK_PLACEHOLDER, 'https://hooks.slack.com/services/T0001/B0001/s3cr3t'];
    const read = jest.fn(async () => values.shift());
    const url = webhookUrlFrom(read, ARN, () => 0);
    await expect(url()).rejects.toMatchObject({
      name: 'WebhookUrlNotSetError',
      message: expect.stringContaining(`aws secretsmanager put-secret-value --secret-id ${ARN}`),
    });
    expect(await url()).toBe('https://hooks.slack.com/services/T0001/B0001/s3cr3t');
    expect(await url()).toBe('https://hooks.slack.com/services/T0001/B0001/s3cr3t');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('refuses a URL that is not https, without quoting it', async () => {
    const url = webhookUrlFrom(async () => 'http://hooks.example.org/s3cr3t', ARN);
    const error = (await url().catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('WebhookUrlNotSetError');
    expect(error.message).not.toContain('s3cr3t');
  });
});
