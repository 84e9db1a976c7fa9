import type * as Classic from 'zod';
import * as z from '../../domain/zod';
import { readEnv } from '../../functions/shared/env';

/**
 * The handlers' schemas are zod/mini (domain/zod.ts), which carries no locale: without English loaded, any
 * message a schema does not word itself would read "Invalid input". Mini and classic zod share one
 * configuration, so loading either must leave both in English.
 */
describe('zod/mini as the handlers load it', () => {
  const messageOf = (result: { error?: { issues: readonly { message: string }[] } }) =>
    result.error?.issues.map((i) => i.message);

  it("words its own messages in classic's English, alone and beside classic zod", () => {
    expect(messageOf(z.string().safeParse(1))).toEqual(['Invalid input: expected string, received number']);
    expect(messageOf(z.url().safeParse('nowhere'))).toEqual(['Invalid URL']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, after mini, on purpose
    const classic = require('zod') as typeof Classic;
    expect(messageOf(classic.url().safeParse('nowhere'))).toEqual(['Invalid URL']);
    expect(messageOf(classic.strictObject({}).safeParse({ a: 1 }))).toEqual(['Unrecognized key: "a"']);
    expect(messageOf(z.strictObject({}).safeParse({ a: 1 }))).toEqual(['Unrecognized key: "a"']);
  });

  it('names a bad Lambda environment setting as classic zod did', () => {
    expect(() => readEnv(z.object({ PUBLIC_BASE_URL: z.url() }), { PUBLIC_BASE_URL: 'nowhere' })).toThrow(
      expect.objectContaining({
        problems: [
          { source: 'environment', field: 'PUBLIC_BASE_URL', value: 'nowhere', expected: 'Invalid URL' },
        ],
      }),
    );
  });
});
