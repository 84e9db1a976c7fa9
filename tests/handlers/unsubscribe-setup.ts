import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { signLink, type LinkClaims } from '../../domain/messages/links';
import type { Profile } from '../../domain/profile/profile';
import { createObservability } from '../../functions/shared/observability';
import { createUnsubscribeHandler } from '../../functions/unsubscribe/handler';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/paths';
import {
  fixture,
  seedProfile as seedProfileIn,
  startDynalite,
  type LocalDynamo,
  type Table,
} from './support';

/*
 * What the unsubscribe.*.test.ts files share. Importing it registers their hooks: dynalite started once per
 * test file, and before each test a fresh table and a clock set to when the customer clicks.
 */

export const workflows = loadWorkflows(WORKFLOWS_DIR);
export const SECRET = 'handler-test-link-secret';
export const SENT_AT = '2026-11-22T10:00:03.000Z';
export const CLICKED_AT = '2026-11-23T08:30:00.000Z';
export const GET_FIXTURE = 'http-api-v2-get-unsubscribe.json';
export const POST_FIXTURE = 'http-api-v2-post-unsubscribe-one-click.json';

let dynamo: LocalDynamo;
/** The current test's table and clock (live bindings: set anew before each test). */
export let table: Table;
export let clock: ReturnType<typeof fixedClock>;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo?.stop());
beforeEach(async () => {
  table = await dynamo.freshTable();
  clock = fixedClock(CLICKED_AT);
});

export function handler(
  settings: { locales?: string[]; defaultLocale?: string } = {},
  store = table.storeFor('unsubscribe'),
) {
  return createUnsubscribeHandler({
    ...createObservability(),
    store,
    clock,
    linkSecret: async () => SECRET,
    brandName: workflows.settings.brand.name,
    locales: settings.locales ?? workflows.settings.locales,
    defaultLocale: settings.defaultLocale ?? workflows.settings.defaultLocale,
    topics: workflows.settings.topics,
  });
}

export const tokenFor = (customerId = 'c-42', secret = SECRET) => {
  const claims: LinkClaims = {
    customerId,
    purpose: 'unsubscribe',
    channel: 'email',
    iat: Date.parse(SENT_AT) / 1000,
  };
  return signLink(claims, secret);
};

/** The fixture request with `token` in its query string (as API Gateway presents it), or none at all. */
export function request(name: string, token: string | undefined): APIGatewayProxyEventV2 {
  const event = fixture<APIGatewayProxyEventV2>(name);
  if (token === undefined) {
    delete event.queryStringParameters;
    return { ...event, rawQueryString: '' };
  }
  return { ...event, rawQueryString: `token=${encodeURIComponent(token)}`, queryStringParameters: { token } };
}

export async function invoke(event: APIGatewayProxyEventV2, h = handler()) {
  const res = (await invokeLambda('rapport-unsubscribe', h, event)) as APIGatewayProxyStructuredResultV2;
  return { ...res, body: res.body ?? '' };
}

export const get = (token: string | undefined, h?: ReturnType<typeof handler>) =>
  invoke(request(GET_FIXTURE, token), h);
export const post = (token: string | undefined, h?: ReturnType<typeof handler>) =>
  invoke(request(POST_FIXTURE, token), h);

export const seedProfile = (patch: Partial<Profile> = {}) =>
  seedProfileIn(table.store, workflows.lifecycle, patch);

export const storedProfile = () => table.store.getProfile('c-42');
