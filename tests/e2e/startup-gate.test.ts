import { Activity } from '../../local/activity';
import { LocalHttpApi } from '../../local/http-api';
import { httpRequest } from '../support/http';
import { TEST_NOW } from '../support/paths';

/**
 * The local runtime listens on its API port before start-up is done (links in messages need the
 * address), and finishes what the last run left (recovery, and resumed executions) first. A request that
 * comes in between waits, and is served once start-up is done; none meets a half-started runtime.
 */
describe('the local API holds requests until start-up is done', () => {
  let calls: number;
  let api: LocalHttpApi;
  let activity: Activity;
  let url: string;
  beforeEach(async () => {
    calls = 0;
    activity = new Activity();
    api = new LocalHttpApi(
      async () => {
        calls++;
        return { statusCode: 202, body: '{"status":"accepted"}' };
      },
      activity,
      () => new Date(TEST_NOW),
    );
    api.holdRequests();
    url = await api.listen(0);
  });
  afterEach(() => api.close());

  /** Posts an event; resolves (with its answer still to come) once the API has it in hand. */
  async function postHeld() {
    const answer = httpRequest(`${url}/events`, { method: 'POST', body: '{}' });
    // (Or has finished it: then nothing held it, and the test says so.)
    while (activity.inFlight + activity.completed === 0)
      await new Promise((resolve) => setImmediate(resolve));
    return { answer };
  }

  it('serves a request held during start-up once it opens, once', async () => {
    const { answer } = await postHeld();
    expect(calls).toBe(0);
    api.open();
    expect((await answer).status).toBe(202);
    expect(calls).toBe(1);
    // And every request after, at once.
    expect((await httpRequest(`${url}/events`, { method: 'POST', body: '{}' })).status).toBe(202);
    expect(calls).toBe(2);
  });

  it('answers a request still held when the runtime stops 503, and never serves it', async () => {
    const { answer } = await postHeld();
    await api.close();
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({
      error: 'ServiceUnavailable',
      message: expect.stringContaining('stopping'),
      problems: [],
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(calls).toBe(0);
  });
});
