import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { attributeConversion, type PlannedConversion } from '../../domain/journey/enter';
import { programMeasure } from '../../domain/console/program';
import { renderOverview } from '../../local/console/overview';
import { WORKFLOWS_DIR } from '../support/paths';

// Attribution, validation and the program measure; the exclusive groups at work: journey-interplay.test.ts.

describe('conversion attribution', () => {
  const conversion = (journeyId: string, enteredAt: string, write = true): PlannedConversion => ({
    write,
    entry: {
      customerId: 'c',
      journeyId,
      journeyVersion: 1,
      executionName: journeyId,
      executionArn: `arn:${journeyId}`,
      enteredAt,
      trigger: { eventId: 't', eventType: 'x', at: enteredAt },
      converted: { eventId: 'p', at: '2026-02-01T00:00:00Z' },
    },
  });
  const attributed = (planned: PlannedConversion[]) =>
    planned.filter((p) => p.entry.converted?.attributed).map((p) => p.entry.journeyId);
  const a = conversion('a', '2026-01-01T00:00:00Z');
  const b = conversion('b', '2026-01-10T00:00:00Z');
  const sent = (executionArn: string, at: string) =>
    ({ messageKey: at, channel: 'email', at, priority: 'normal', executionArn }) as const;

  it('goes to the journey whose marketing message came last before the event', () => {
    const sends = [sent('arn:b', '2026-01-20T00:00:00Z'), sent('arn:a', '2026-01-25T00:00:00Z')];
    expect(attributed(attributeConversion([a, b], sends, '2026-02-01T00:00:00Z'))).toEqual(['a']);
    // A message after the event does not count.
    const later = [sent('arn:b', '2026-01-20T00:00:00Z'), sent('arn:a', '2026-02-02T00:00:00Z')];
    expect(attributed(attributeConversion([a, b], later, '2026-02-01T00:00:00Z'))).toEqual(['b']);
  });

  it('with no message on record, to the latest entered; exactly one either way, and a retry keeps the first', () => {
    const planned = attributeConversion([a, b], [], '2026-02-01T00:00:00Z');
    expect(attributed(planned)).toEqual(['b']);
    expect(planned.map((p) => p.entry.converted?.attributed)).toEqual([false, true]);
    const retried = planned.map((p) => ({ ...p, write: false }));
    expect(attributeConversion(retried, [], '2026-02-01T00:00:00Z')).toEqual(retried);
  });
});

describe('validation', () => {
  it('an unknown exclusive group names the file, the field and the declared groups', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'interplay-')), 'workflows');
    cpSync(WORKFLOWS_DIR, dir, { recursive: true });
    const file = join(dir, 'journeys', 'win-back.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('exclusive: reactivation', 'exclusive: reactivaton'),
    );
    expect(() => loadWorkflows(dir)).toThrow(
      /win-back\.yaml:\d+:\d+ exclusive: got "reactivaton"; expected a group declared in settings\.yaml exclusiveGroups: reactivation, listening/,
    );
  });
});

describe('the program against the global control group', () => {
  const group = { percent: 20, salt: 'interplay-scenario' };
  // With this salt, gus (17.1) is in the control group and dana (24.9), hal (59.6) are not.
  const entry = (customerId: string, converted: boolean) => ({
    customerId,
    ...(converted ? { converted: { eventId: 'p', at: 'x' } } : {}),
  });

  it('counts customers who entered a journey, once each, converted if any entry converted', () => {
    const measure = programMeasure(
      [
        entry('gus', false),
        entry('gus', false),
        entry('dana', true),
        entry('dana', false),
        entry('hal', false),
      ],
      group,
    );
    expect(measure?.arms.map(({ arm, customers, conversions }) => ({ arm, customers, conversions }))).toEqual(
      [
        { arm: 'control', customers: 1, conversions: 0 },
        { arm: 'everyone else', customers: 2, conversions: 1 },
      ],
    );
    expect(measure?.arms[1]?.lift?.estimate).toBeCloseTo(0.5);
  });

  it('is drawn on the console overview', () => {
    const program = programMeasure([entry('gus', false), entry('dana', true)], group);
    const html = renderOverview({
      customers: [],
      messages: [],
      executions: [],
      today: '2026-03-01',
      program,
    });
    expect(html).toContain('The program against its control group');
    expect(html).toMatch(/<th scope="row">everyone else<\/th><td>1<\/td><td>1<\/td><td class="text">100\.0%/);
  });

  it('is absent without a control group', () => {
    expect(programMeasure([entry('gus', true)], { ...group, percent: 0 })).toBeUndefined();
    expect(programMeasure([entry('gus', true)], undefined)).toBeUndefined();
  });
});
