import { deliveries, emailsPerCustomer, outcomes, type Evidence } from '../support/crash-tally';

/**
 * The crash test's bookkeeping (tests/e2e/crash-restart.test.ts) can fail: it tells a second email or a
 * second record from one email, and a record the kill left in doubt from one still on its way.
 */
const RESTARTED_AT = '2026-12-02T06:00:00.000Z';
const BEFORE = '2026-12-02T05:59:59.000Z';
const AFTER = '2026-12-02T06:00:01.000Z';

const customer = (n: number) => ({ customerId: `c-${n}`, email: `c-${n}@example.com` });
const email = (n: number, messageId: string) => ({
  messageId,
  subject: 'Thank you for your first order',
  destination: { to: [`c-${n}@example.com`] },
});
const record = (n: number, key: string, status: string, createdAt: string, providerMessageId?: string) => ({
  customerId: `c-${n}`,
  messageKey: key,
  status,
  createdAt,
  ...(providerMessageId ? { providerMessageId } : {}),
});

it('sorts each customer into once, lost, in doubt, duplicated, resent, pending or not sent', () => {
  const customers = Array.from({ length: 11 }, (_, i) => customer(i));
  const evidence: Evidence = {
    restartedAt: RESTARTED_AT,
    emails: [
      email(0, 'ses-1'),
      email(2, 'ses-2'), // seen before the kill, its record left `sending`
      email(4, 'ses-4'),
      email(4, 'ses-5'), // the same customer twice
      { ...email(9, 'ses-9'), destination: { to: ['Someone <C-9@example.com>'] } },
      email(10, 'ses-10'),
    ],
    sentAfterRestart: new Set(['ses-4', 'ses-9', 'ses-10']),
    records: [
      record(0, 'k0', 'sent', BEFORE, 'ses-1'),
      record(1, 'k1', 'sent', BEFORE, 'ses-blind'), // sent after the last snapshot, before the kill
      record(2, 'k2', 'sending', BEFORE),
      record(3, 'k3', 'sending', BEFORE),
      record(4, 'k4', 'sent', AFTER, 'ses-5'),
      record(5, 'k5a', 'sent', BEFORE, 'ses-lost-store'),
      record(5, 'k5b', 'sending', AFTER), // a second thank-you under another key
      record(6, 'k6', 'sending', AFTER), // claimed after the restart: on its way
      record(7, 'k7', 'skipped', AFTER),
      // c-8: nothing at all
      record(9, 'k9', 'sent', AFTER, 'ses-9'),
      record(10, 'k10', 'sent', BEFORE, 'ses-10'), // claimed before the kill, sent after the restart
    ],
  };
  expect(Object.fromEntries(outcomes(customers, evidence))).toEqual({
    'c-0': 'once',
    'c-1': 'once',
    'c-2': 'in doubt, delivered',
    'c-3': 'in doubt, not seen',
    'c-4': 'duplicated',
    'c-5': 'duplicated',
    'c-6': 'pending',
    'c-7': 'not sent',
    'c-8': 'lost',
    'c-9': 'once',
    'c-10': 'resent after doubt',
  });
  expect(emailsPerCustomer(deliveries(customers, evidence))).toEqual({ '0': 4, '1': 6, '2': 1 });
});
