import { VersionConflictError } from '../../domain/errors';
import { retryOnConflict } from '../../domain/retry';

class GaveUpError extends Error {}

describe('retryOnConflict', () => {
  it('returns the first attempt that does not lose a race', async () => {
    let calls = 0;
    const result = await retryOnConflict(
      5,
      async (n) => {
        calls++;
        if (n < 2) throw new VersionConflictError('lost');
        return n;
      },
      () => new GaveUpError(),
    );
    expect(result).toBe(2);
    expect(calls).toBe(3);
  });

  it('stops at the bound and throws what the caller names, keeping the last conflict as cause', async () => {
    let calls = 0;
    const run = retryOnConflict(
      3,
      async () => {
        calls++;
        throw new VersionConflictError('lost');
      },
      (last) => new GaveUpError('gave up', { cause: last }),
    );
    await expect(run).rejects.toBeInstanceOf(GaveUpError);
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const run = retryOnConflict(
      5,
      async () => {
        calls++;
        throw new TypeError('boom');
      },
      () => new GaveUpError(),
    );
    await expect(run).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });
});
