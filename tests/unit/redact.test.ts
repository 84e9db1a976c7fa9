import { REDACTED, redactPersonalData } from '../../functions/shared/redact';

const logged = (value: unknown) => JSON.parse(JSON.stringify(value, redactPersonalData)) as unknown;

describe('personal data in log lines', () => {
  it('redacts contact details, names and free text by field name, at any depth', () => {
    expect(
      logged({
        customer: { email: 'li@example.com', firstName: '李', phone: '+8613800138000' },
        comment: 'slow',
      }),
    ).toEqual({ customer: { email: REDACTED, firstName: REDACTED, phone: REDACTED }, comment: REDACTED });
  });

  it('redacts addresses and phone numbers inside any text, and the value a validation problem quotes', () => {
    expect(logged({ message: 'mail li@example.com or call +86 138 0013 8000 / 13800138000' })).toEqual({
      message: `mail ${REDACTED} or call ${REDACTED} / ${REDACTED}`,
    });
    expect(
      logged({
        message: 'Invalid event: customer.firstName: got "王 五"; expected at most 100 characters',
        problems: [{ field: 'customer.firstName', value: '王 五', expected: 'at most 100 characters' }],
      }),
    ).toEqual({
      message: `Invalid event: customer.firstName: got ${REDACTED}; expected at most 100 characters`,
      problems: [{ field: 'customer.firstName', value: REDACTED, expected: 'at most 100 characters' }],
    });
  });

  it('keeps what operators need: ids, times, amounts, stages', () => {
    const line = {
      customerId: 'c-42',
      eventId: 'e-1',
      at: '2026-11-22T10:00:00Z',
      amount: 19.9,
      orderId: '20261122100000',
      stage: 'first-purchase',
      problems: [{ field: 'amount', value: -1, expected: 'a number ≥ 0' }],
    };
    expect(logged(line)).toEqual(line);
  });
});
