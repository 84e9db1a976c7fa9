import { AWS_QUOTAS, DEFAULT_SCALE, SEND_SECONDS, sendConcurrency } from '../../domain/config/scale';

describe('sendConcurrency: send-message reserved concurrency from the SES send rate', () => {
  it('is twice the slots the send rate keeps busy (rate × time per send), rounded up', () => {
    expect(sendConcurrency(DEFAULT_SCALE)).toBe(Math.ceil(DEFAULT_SCALE.emailsPerSecond * SEND_SECONDS * 2));
    expect(sendConcurrency({ emailsPerSecond: 14 })).toBe(6);
    expect(sendConcurrency({ emailsPerSecond: 500 })).toBe(200);
  });

  it('grows with the send rate', () => {
    const rates = [1, 14, 50, 200, 1_000];
    const slots = rates.map((emailsPerSecond) => sendConcurrency({ emailsPerSecond }));
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
  });

  it('is never below 2, nor above what a function may reserve (100 stay unreserved)', () => {
    expect(sendConcurrency({ emailsPerSecond: 1 })).toBe(2);
    expect(sendConcurrency({ emailsPerSecond: 100_000 })).toBe(AWS_QUOTAS.lambdaConcurrency - 100);
  });
});
