import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { signLink, type FeedbackClaims } from '../../domain/messages/links';
import { createFeedbackHandler } from '../../functions/feedback/handler';
import { createObservability } from '../../functions/shared/observability';
import { linkSigningSecret } from '../../functions/shared/secrets';
import { invokeLambda } from '../../local/lambda';
import {
  checkedAs,
  checkedLifecycleDeps,
  servicesOnDynalite,
  queuedStarts,
} from '../support/checked-services';
import { feedbackClaims } from '../support/links';
import { WORKFLOWS_DIR } from '../support/paths';
import { fixture, seedProfile, type Table } from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const SECRET = 'feedback-test-secret';
const SENT = Date.parse('2026-11-20T02:00:00Z') / 1000;
const CLICKED = '2026-11-23T08:30:00.000Z';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rapport-link-signing-AbCdEf';

// As functions/feedback/index.ts wires it: its starts queued, its changes on EventBridge, Comprehend, the
// secret from Secrets Manager; each call checked against feedback's role.
let table: Table;
const services = servicesOnDynalite(CLICKED, (t) => (table = t));
beforeEach(() => {
  services.stubs.secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: SECRET });
});
/** The journeys started, as start-journey will make them: by execution name. */
const starter = {
  get started() {
    return queuedStarts(services);
  },
};

const claims = (patch: Partial<FeedbackClaims> = {}): FeedbackClaims => ({
  ...feedbackClaims('c-42', SENT),
  ...patch,
});
const handler = (now = CLICKED) =>
  createFeedbackHandler({
    ...createObservability(),
    ...checkedLifecycleDeps('feedback', table, services, fixedClock(now)),
    sentiment: lazyComprehendClassifier(checkedAs('feedback', services.clients.comprehend)),
    linkSecret: linkSigningSecret(
      { LINK_SIGNING_SECRET_ARN: SECRET_ARN },
      checkedAs('feedback', services.clients.secrets),
    ),
    brandName: 'Rapport Demo Store',
    locales: workflows.settings.locales,
    defaultLocale: workflows.settings.defaultLocale,
  });
function call(name: string, token: string, h = handler()) {
  const event = fixture<APIGatewayProxyEventV2>(name);
  event.queryStringParameters = { token };
  event.rawQueryString = `token=${token}`;
  return invokeLambda('rapport-feedback', h, event) as Promise<APIGatewayProxyStructuredResultV2>;
}
const open = (token: string, h?: ReturnType<typeof handler>) =>
  call('http-api-v2-get-feedback.json', token, h);
const answer = (token: string, h?: ReturnType<typeof handler>) => {
  const event = fixture<APIGatewayProxyEventV2>('http-api-v2-post-feedback-comment.json');
  event.queryStringParameters = { token };
  delete event.body;
  event.isBase64Encoded = false;
  return invokeLambda(
    'rapport-feedback',
    h ?? handler(),
    event,
  ) as Promise<APIGatewayProxyStructuredResultV2>;
};
const comment = (token: string) => call('http-api-v2-post-feedback-comment.json', token);

describe('feedback: one-click score links', () => {
  it('GET shows a thank-you in the customer’s language with a comment box, and records nothing (mail scanners open links too)', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const res = await open(signLink(claims(), SECRET));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('您的评分（3）');
    expect(res.body).toContain('<textarea name="comment"');
    expect(res.body).toContain("fetch(location.href,{method:'POST'})");
    expect((await table.store.getProfile('c-42'))?.feedback).toBeUndefined();
    expect(starter.started.size).toBe(0);
  });

  it('POST records a detractor score: the profile has it, marketing pauses, and service-recovery starts once', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const token = signLink(claims(), SECRET);
    expect((await answer(token)).statusCode).toBe(200);
    const profile = await table.store.getProfile('c-42');
    expect(profile).toMatchObject({
      feedback: { nps: { score: 3, eventId: 'survey-0123456789abcdef0123456789abcdef-3' } },
      mood: { value: 'unhappy' },
      marketingPausedUntil: '2026-12-23T08:30:00.000Z',
    });
    expect([...starter.started.values()].map((i) => i.journeyId)).toEqual(['service-recovery']);
    // The script and a later click of the same link: one event, one journey.
    await answer(token);
    expect(starter.started.size).toBe(1);
  });

  it('a promoter is thanked with a referral invitation, not service recovery', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    await answer(signLink(claims({ score: 10 }), SECRET));
    expect([...starter.started.values()].map((i) => i.journeyId)).toEqual(['referral-invitation']);
  });

  it('a comment is stored with its sentiment (negative here), for the person who follows up', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const res = await comment(signLink(claims({ score: 7 }), SECRET));
    expect(res.statusCode).toBe(200);
    expect((await table.store.getProfile('c-42'))?.feedback).toMatchObject({
      nps: { score: 7 },
      sentiment: { label: 'negative' },
      comment: { text: 'The advisor was rude and I am very disappointed' },
    });
    // A passive score, but an angry comment: care, not marketing.
    expect([...starter.started.values()].map((i) => i.journeyId)).toEqual(['service-recovery']);
  });

  it('a tampered token → 400, an expired one → 403, an unsubscribe token → 400; nothing changes', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const token = signLink(claims(), SECRET);
    const [body, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify(claims({ score: 10 }))).toString('base64url')}.${mac}`;
    expect((await answer(forged)).statusCode).toBe(400);
    expect((await answer(`${body}.x${mac}`)).statusCode).toBe(400);
    const expired = await answer(token, handler('2026-12-25T00:00:00Z'));
    expect(expired.statusCode).toBe(403);
    expect(expired.body).toContain('closed');
    const unsubscribe = signLink(
      { customerId: 'c-42', purpose: 'unsubscribe', channel: 'email', iat: SENT },
      SECRET,
    );
    expect((await answer(unsubscribe)).statusCode).toBe(400);
    expect((await table.store.getProfile('c-42'))?.feedback).toBeUndefined();
    expect(starter.started.size).toBe(0);
  });

  it('the same score clicked again a day later is the same answer (its first time stands), not a conflict', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const token = signLink(claims(), SECRET);
    expect((await answer(token)).statusCode).toBe(200);
    const again = await answer(token, handler('2026-11-24T09:00:00.000Z'));
    expect(again.statusCode).toBe(200);
    expect((await table.store.getProfile('c-42'))?.feedback).toMatchObject({ nps: { at: CLICKED } });
    expect(starter.started.size).toBe(1);
  });

  it('a validly signed token with a score of 99 → 400 naming the claim; nothing is recorded', async () => {
    await seedProfile(table.store, workflows.lifecycle);
    const res = await answer(signLink(claims({ score: 99 }), SECRET));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('score: expected a score from 0 to 10 for nps');
    expect((await table.store.getProfile('c-42'))?.feedback).toBeUndefined();
    expect(starter.started.size).toBe(0);
  });
});
