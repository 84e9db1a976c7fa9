import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest } from '../support/http';
import {
  freePorts,
  spawnRapport,
  startRapportOnFreePorts,
  type Ports,
  type SpawnedRapport,
} from '../support/spawn-rapport';

/**
 * `npm start` as a user runs it, in a real process: an odd request to any port it opens must not end it,
 * and a busy port or a second Rapport on the same data folder must be explained in one line.
 * Real time and real processes here, so the timeouts are generous; nothing is timed.
 */
const START_MS = 120_000;
const TEST_MS = 240_000;

let dir: string;
let ports: Ports;
let rapport: SpawnedRapport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-robust-'));
  ({ rapport, ports } = await startRapportOnFreePorts(join(dir, 'data')));
}, START_MS);

afterAll(async () => {
  await rapport?.stop();
  rmSync(dir, { recursive: true, force: true });
}, START_MS);

const url = (port: keyof Ports, path: string) => `http://127.0.0.1:${ports[port]}${path}`;

/** Sends one request and reports its status, or that the connection ended without an answer. */
async function poke(
  target: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<number | 'no answer'> {
  return httpRequest(target, options).then(
    (r) => r.status,
    () => 'no answer' as const,
  );
}

/** A request that promises a body and hangs up half-way through it. */
function hangUpMidBody(target: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    req.on('error', () => resolve());
    req.write('{"Entries": [', () => setImmediate(() => (req.destroy(), resolve())));
  });
}

const amzJson = (target: string, version = '1.1') => ({
  'content-type': `application/x-amz-json-${version}`,
  'x-amz-target': target,
});

function oddRequests(): Promise<unknown>[] {
  const bad = '{"not json';
  // An AWS JSON call: this body, to the operation `target` names, in that protocol version.
  const amzPost = (port: keyof Ports, body: string, target: string, version?: string) =>
    poke(url(port, '/'), { method: 'POST', body, headers: amzJson(target, version) });
  return [
    // the email inbox (aws-ses-v2-local)
    poke(url('ses', '/get-emlContent?messageId=nope')),
    poke(url('ses', '/get-emlContent')),
    poke(url('ses', '/get-emlContent?messageId=a&messageId=b')),
    poke(url('ses', '/store?since=yesterday')),
    poke(url('ses', '/no-such-route')),
    poke(url('ses', '/v2/email/outbound-emails'), {
      method: 'POST',
      body: bad,
      headers: { 'content-type': 'application/json' },
    }),
    poke(url('ses', '/'), { method: 'DELETE' }),
    // DynamoDB (dynalite)
    amzPost('dynamodb', bad, 'DynamoDB_20120810.PutItem', '1.0'),
    amzPost('dynamodb', '{}', 'DynamoDB_20120810.Nope', '1.0'),
    poke(url('dynamodb', '/nowhere'), { method: 'GET' }),
    // Step Functions
    amzPost('stepFunctions', bad, 'AWSStepFunctions.StartExecution', '1.0'),
    amzPost('stepFunctions', '{}', 'AWSStepFunctions.StartExecution', '1.0'),
    amzPost('stepFunctions', '{"taskToken":"x","output":"{bad"}', 'AWSStepFunctions.SendTaskSuccess', '1.0'),
    amzPost('stepFunctions', 'null', 'AWSStepFunctions.DescribeExecution', '1.0'),
    poke(url('stepFunctions', '/anything'), { method: 'GET' }),
    // the event bus and the SMS outbox (AWS JSON)
    ...(['eventBridge', 'sms'] as const).flatMap((port) => [
      amzPost(port, bad, 'AWSEvents.PutEvents'),
      amzPost(port, '{"Entries": "x"}', 'AWSEvents.PutEvents'),
      amzPost(port, '{"Entries": [null, 1]}', 'AWSEvents.PutEvents'),
      amzPost(port, '{"Entries": [{"Source":"s","DetailType":"d","Detail":"{bad"}]}', 'AWSEvents.PutEvents'),
      amzPost(port, 'null', 'PinpointSMSVoiceV2.SendTextMessage', '1.0'),
      poke(url(port, '/'), { method: 'GET' }),
      hangUpMidBody(url(port, '/')),
    ]),
    // the HTTP API and its local pages
    poke(url('api', '/nowhere')),
    poke(url('api', '/events'), { method: 'PUT', body: '{}' }),
    poke(url('api', '/events'), {
      method: 'POST',
      body: bad,
      headers: { 'content-type': 'application/json' },
    }),
    poke(url('api', '/_local/sms/inbound'), { method: 'POST', body: bad }),
    poke(url('api', '/_local/sms/inbound'), { method: 'POST', body: '[1]' }),
    poke(url('api', '/_local/ses/notifications'), { method: 'POST', body: 'null' }),
    poke(url('api', '/feedback?token=nope')),
    hangUpMidBody(url('api', '/events')),
    hangUpMidBody(url('stepFunctions', '/')),
  ];
}

/** Polls the inbox (real time: a journey runs in the spawned process) until `to` has mail, or gives up. */
async function mailTo(to: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { emails } = (await httpRequest(url('ses', '/store'))).json<{
      emails: { destination: { to: string[] } }[];
    }>();
    const count = emails.filter((e) => e.destination.to.some((t) => t.includes(to))).length;
    if (count > 0) return count;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return 0;
}

describe('npm start says what it found at start-up', () => {
  it('prints the start-up report, on a fresh data folder nothing to finish', () => {
    expect(rapport.output()).toContain(
      'At start-up: 0 journey execution(s) resumed where they waited; 0 event(s) accepted but left unfinished were finished; 0 message(s) left in doubt by the last stop (never sent again; see the log).',
    );
  });
});

describe('npm start survives odd requests to every port', () => {
  it(
    'answers or drops each one, and still works afterwards',
    async () => {
      await Promise.all(oddRequests());
      expect(rapport.child.exitCode).toBeNull();

      // Every service still does its job.
      const complaint = await httpRequest(url('api', '/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          eventId: 'robust-1',
          type: 'complaint',
          customerId: 'robust-1',
          at: '2026-11-22T10:00:05Z',
          text: 'The parcel arrived broken and nobody answered my calls.',
          customer: { email: 'robust@example.com', locale: 'en' },
        }),
      });
      expect(complaint.status).toBe(202);
      // The apology is transactional: it goes out at once, whatever the hour.
      expect(await mailTo('robust@example.com')).toBeGreaterThan(0);
      const put = await httpRequest(url('eventBridge', '/'), {
        method: 'POST',
        headers: amzJson('AWSEvents.PutEvents'),
        body: JSON.stringify({ Entries: [{ Source: 'test', DetailType: 'ping', Detail: '{}' }] }),
      });
      expect(put.json()).toMatchObject({ FailedEntryCount: 0 });
      const sms = await httpRequest(url('sms', '/'), {
        method: 'POST',
        headers: amzJson('PinpointSMSVoiceV2.SendTextMessage', '1.0'),
        body: JSON.stringify({ DestinationPhoneNumber: '+8613800138000', MessageBody: 'hello' }),
      });
      expect(sms.status).toBe(200);
      const machines = await httpRequest(url('stepFunctions', '/'), {
        method: 'POST',
        headers: amzJson('AWSStepFunctions.ListStateMachines', '1.0'),
        body: '{}',
      });
      expect(machines.status).toBe(200);
      expect(rapport.child.exitCode).toBeNull();
    },
    TEST_MS,
  );
});

describe('npm start explains in one line why it cannot start', () => {
  const oneLine = (output: string) => output.trim().split('\n');

  it(
    'a second Rapport on the same data folder',
    async () => {
      const second = spawnRapport(join(dir, 'data'), await freePorts());
      expect(await second.exited).toBe(1);
      expect(oneLine(second.output())).toEqual([
        `another Rapport is already running on ${join(dir, 'data')} (pid ${rapport.child.pid}): stop it first or set RAPPORT_DATA_DIR=<another folder>`,
      ]);
    },
    TEST_MS,
  );

  it(
    'a busy port, after taking over a stale lock left by a process that is gone',
    async () => {
      const other = join(dir, 'other');
      mkdirSync(other, { recursive: true });
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout;
      writeFileSync(join(other, 'rapport.pid'), `${String(gone)}\n`);
      const clash = spawnRapport(other, { ...(await freePorts()), api: ports.api });
      expect(await clash.exited).toBe(1);
      expect(oneLine(clash.output())).toEqual([
        `port ${ports.api} on 127.0.0.1 (events API) is in use: stop the other program or set RAPPORT_API_PORT=<a free port>`,
      ]);
      // It released what it had taken on the way out.
      expect(existsSync(join(other, 'rapport.pid'))).toBe(false);
    },
    TEST_MS,
  );

  it(
    'stopping removes the lock, so the next start finds the folder free',
    async () => {
      expect(existsSync(join(dir, 'data', 'rapport.pid'))).toBe(true);
      expect(await rapport.stop()).toBe(0);
      expect(existsSync(join(dir, 'data', 'rapport.pid'))).toBe(false);
    },
    TEST_MS,
  );
});
