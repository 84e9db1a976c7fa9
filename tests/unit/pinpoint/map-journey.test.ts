import { readPinpointExport } from '../../../domain/migrate/pinpoint/export';
import { planImport } from '../../../domain/migrate/pinpoint/import';
import { reportMarkdown } from '../../../domain/migrate/pinpoint/report';
import { mapJourney } from '../../../domain/migrate/pinpoint/map-journey';
import { attr, email, eventSplit, journey, map, now, settings, statusOf } from './mapping';
import { parse as parseYaml } from 'yaml';
import { Settings } from '../../../domain/config/settings';

describe('mapJourney: Pinpoint activities to Rapport steps', () => {
  it('chains one branch per condition for ALL, and gives ANY one branch of alternatives', () => {
    const all = map(
      journey({
        StartActivity: 's',
        Activities: {
          s: {
            ConditionalSplit: {
              Condition: { Operator: 'ALL', Conditions: [attr('a', '1'), attr('b', '2')] },
              TrueActivity: 'y',
              FalseActivity: 'n',
            },
          },
          y: email(),
          n: email(),
        },
      }),
    );
    expect(all.journey.steps.slice(0, 2)).toEqual([
      {
        id: 's',
        type: 'branch',
        paths: [{ name: 'yes-1', when: { attribute: { name: 'a', equals: '1' } }, next: 's-and-2' }],
        default: 'n',
      },
      {
        id: 's-and-2',
        type: 'branch',
        paths: [{ name: 'yes-1', when: { attribute: { name: 'b', equals: '2' } }, next: 'y' }],
        default: 'n',
      },
    ]);
    const any = map(
      journey({
        StartActivity: 's',
        Activities: {
          s: {
            ConditionalSplit: {
              Condition: { Operator: 'ANY', Conditions: [attr('a', '1'), attr('b', '2')] },
              TrueActivity: 'y',
            },
          },
          y: email(),
        },
      }),
    );
    expect(any.journey.steps[0]).toMatchObject({
      type: 'branch',
      paths: [{ next: 'y' }, { next: 'y' }],
      default: 'end',
    });
  });

  it('waits before a multi-condition split evaluates, and keeps its branch order', () => {
    const m = map(
      journey({
        StartActivity: 'm',
        Activities: {
          m: {
            MultiCondition: {
              EvaluationWaitTime: { WaitFor: 'PT6H' },
              Branches: [{ Condition: attr('a', '1'), NextActivity: 'x' }, { Condition: attr('b', '2') }],
              DefaultActivity: 'x',
            },
          },
          x: email(),
        },
      }),
    );
    expect(m.journey.steps.map((s) => `${s.id}:${s.type}`)).toEqual([
      'm:wait',
      'm-check:branch',
      'x:send',
      'end:exit',
    ]);
    expect(m.journey.steps[1]).toMatchObject({
      paths: [
        { name: 'branch-1', next: 'x' },
        { name: 'branch-2', next: 'end' },
      ],
      default: 'x',
    });
  });

  it('skips an unsupported start, a dangling next and an unreachable activity, reporting each by id', () => {
    const m = map(
      journey({
        StartActivity: 'push',
        Activities: { push: { PUSH: { NextActivity: 'mail' } }, mail: email('gone'), lost: email() },
      }),
    );
    expect(m.journey.steps.map((s) => s.id)).toEqual(['mail', 'end']);
    expect(m.journey.steps[0]).toMatchObject({ next: 'end' });
    expect(statusOf(m, 'push')).toEqual(['unsupported']);
    expect(statusOf(m, 'gone')).toEqual(['unsupported']);
    expect(statusOf(m, 'lost')).toEqual(['unsupported']);
  });

  it('names the journey after its Pinpoint name, or its id when the name has no Latin letters', () => {
    expect(map(journey({ Name: 'Win-back: Q3 (SMS)' })).journey.id).toBe('win-back-q3-sms');
    expect(map(journey({ Name: '欢迎旅程', Id: '9f8e7d6c5b4a39281706' })).journey.id).toBe(
      'journey-9f8e7d6c5b4a',
    );
  });

  it('gives colliding or reserved step ids a name of their own', () => {
    const m = map(
      journey({
        StartActivity: 'fooBar',
        Activities: { fooBar: email('foo-bar'), 'foo-bar': email('x-end'), 'x-end': email() },
      }),
    );
    expect(m.journey.steps.map((s) => s.id)).toEqual(['foo-bar', 'foo-bar-2', 'x-end-step', 'end']);
  });

  it('turns a holdout into a split whose holdout path leaves, and drops 0% random branches', () => {
    const m = map(
      journey({
        StartActivity: 'h',
        Activities: {
          h: { Holdout: { Percentage: 5, NextActivity: 'r' } },
          r: { RandomSplit: { Branches: [{ Percentage: 100, NextActivity: 'x' }, { Percentage: 0 }] } },
          x: email(),
        },
      }),
    );
    expect(m.journey.steps[0]).toEqual({
      id: 'h',
      type: 'split',
      paths: [
        { name: 'holdout', percent: 5, holdout: true, next: 'end' },
        { name: 'journey', percent: 95, next: 'x' },
      ],
    });
    expect(m.journey.steps.map((s) => s.id)).toEqual(['h', 'x', 'end']);
  });

  it('waits for a purchase when a split checks for one after a wait', () => {
    const m = map(
      journey({
        StartActivity: 'c',
        Activities: {
          c: eventSplit('_monetization.purchase', { wait: { WaitFor: 'P2D' } }),
          x: email(),
        },
      }),
    );
    expect(m.journey.steps[0]).toEqual({
      id: 'c',
      type: 'wait-for-event',
      event: 'purchase',
      timeout: '2d',
      onEvent: 'x',
      onTimeout: 'end',
    });
    expect(statusOf(m, 'c')).toEqual(['approximated']);
  });
});

describe('mapJourney: start condition and settings', () => {
  it('starts on a custom event with its attribute filter, declaring the event and the property', () => {
    const m = map(
      journey({
        StartCondition: {
          EventStartCondition: {
            EventFilter: {
              Dimensions: {
                EventType: { DimensionType: 'INCLUSIVE', Values: ['CartAbandoned'] },
                Attributes: { store: { AttributeType: 'INCLUSIVE', Values: ['web'] } },
              },
            },
          },
        },
      }),
    );
    expect(m.journey.entry).toEqual({
      event: 'cart-abandoned',
      where: { lastEvent: { type: 'cart-abandoned', properties: { store: 'web' } } },
    });
    expect(m.customEvents).toEqual({ 'cart-abandoned': ['store'] });
  });

  it('maps a segment start to a stage when told, and reports it unsupported otherwise', () => {
    const j = journey({ StartCondition: { SegmentStartCondition: { SegmentId: 'seg' } } });
    expect(
      mapJourney(j, { settings, now, source: 'x', segments: { seg: { stage: 'active' } } }).journey.entry,
    ).toEqual({ stage: 'active' });
    const m = map(j);
    expect(m.journey.entry).toEqual({ event: 'profile', where: { tag: 'pinpoint-segment-seg' } });
    expect(statusOf(m, 'StartCondition')).toEqual(['unsupported']);
  });

  it.each([
    [{ EndpointReentryCap: 1 }, 'once', 'exact'],
    [{}, 'once', 'exact'],
    [{ EndpointReentryCap: 0 }, 'always', 'exact'],
    [{ EndpointReentryCap: 0, EndpointReentryInterval: 'P30D' }, { every: '30d' }, 'exact'],
    [{ EndpointReentryCap: 5, EndpointReentryInterval: 'P7D' }, { every: '1w' }, 'approximated'],
  ] as const)('maps re-entry limits %j to %j', (limits, reEntry, status) => {
    const m = map(journey({ Limits: limits }));
    expect(m.journey.reEntry).toEqual(reEntry);
    expect(statusOf(m, 'Limits.EndpointReentryCap')).toEqual([status]);
  });

  it('suggests caps and quiet hours for settings.yaml, exact when the settings already say so', () => {
    const same = map(journey({ QuietTime: { Start: '21:00', End: '09:00' } }));
    expect(statusOf(same, 'QuietTime')).toEqual(['exact']);
    expect(same.report.suggestedSettings).toEqual([]);
    const m = map(journey({ Limits: { DailyCap: 2, TimeframeCap: { Cap: 4, Days: 7 }, TotalCap: 9 } }));
    expect(m.report.suggestedSettings).toEqual([
      'pacing:',
      '  caps:',
      '    - { channel: any, max: 2, per: 1d }',
      '    - { channel: any, max: 4, per: 7d }',
    ]);
    expect(statusOf(m, 'Limits.TotalCap')).toEqual(['unsupported']);
  });

  it('maps OpenHours and ClosedDays of email and SMS exactly to pacing.openHours and pacing.closedDays', () => {
    const j = journey({
      OpenHours: {
        EMAIL: {
          MONDAY: [
            { StartTime: '13:00', EndTime: '18:00' },
            { StartTime: '8:00', EndTime: '12:00' },
          ],
          SATURDAY: [{ StartTime: '10:00', EndTime: '16:00' }],
        },
        PUSH: { MONDAY: [{ StartTime: '09:00', EndTime: '10:00' }] },
      },
      ClosedDays: {
        SMS: [{ Name: 'Xmas', StartDateTime: '2026-12-25T00:00:00Z', EndDateTime: '2026-12-26T00:00:00Z' }],
        VOICE: [{ StartDateTime: '2026-12-25T00:00:00Z', EndDateTime: '2026-12-26T00:00:00Z' }],
      },
    });
    const m = map(j);
    const lines = [
      'pacing:',
      '  openHours:',
      '    email:',
      "      MONDAY: [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '18:00' }]",
      "      SATURDAY: [{ from: '10:00', to: '16:00' }]",
      '  closedDays:',
      '    sms:',
      "      - { name: \"Xmas\", from: '2026-12-25T00:00', to: '2026-12-26T00:00' }",
    ];
    expect(m.report.suggestedSettings).toEqual(lines);
    expect(statusOf(m, 'OpenHours.EMAIL')).toEqual(['exact']);
    expect(statusOf(m, 'ClosedDays.SMS')).toEqual(['exact']);
    expect(statusOf(m, 'OpenHours.PUSH')).toEqual(['unsupported']);
    expect(statusOf(m, 'ClosedDays.VOICE')).toEqual(['unsupported']);
    // The suggested lines are valid settings, and once they are in, the report says so and suggests nothing.
    const pacing = Settings.shape.pacing.parse(parseYaml(lines.join('\n')).pacing);
    const withThem = Settings.parse({ ...settings, pacing: { ...settings.pacing, ...pacing } });
    const again = mapJourney(j, { settings: withThem, now, source: 'j.json' });
    expect(again.report.suggestedSettings).toEqual([]);
    expect(again.report.entries.find((e) => e.subject === 'OpenHours.EMAIL')?.detail).toContain(
      '(already so)',
    );
  });

  it('splits a window that ends before it starts at midnight, and says so', () => {
    const m = map(journey({ OpenHours: { SMS: { SUNDAY: [{ StartTime: '22:00', EndTime: '06:00' }] } } }));
    expect(m.report.suggestedSettings).toEqual([
      'pacing:',
      '  openHours:',
      '    sms:',
      "      MONDAY: [{ from: '00:00', to: '06:00' }]",
      "      SUNDAY: [{ from: '22:00', to: '24:00' }]",
    ]);
    expect(statusOf(m, 'OpenHours.SMS')).toEqual(['approximated']);
  });

  it('approximates open hours and closed days a journey read in its own time zone (LocalTime false)', () => {
    const m = map(
      journey({
        LocalTime: false,
        OpenHours: { EMAIL: { MONDAY: [{ StartTime: '09:00', EndTime: '17:00' }] } },
        ClosedDays: {
          EMAIL: [{ StartDateTime: '2027-01-01T00:00:00Z', EndDateTime: '2027-01-02T00:00:00Z' }],
        },
      }),
    );
    expect(statusOf(m, 'OpenHours.EMAIL')).toEqual(['approximated']);
    expect(statusOf(m, 'ClosedDays.EMAIL')).toEqual(['approximated']);
  });

  it('reports a schedule still to come, and a state other than ACTIVE', () => {
    const m = map(
      journey({
        State: 'DRAFT',
        Schedule: { StartTime: '2027-01-01T00:00:00Z', EndTime: '2027-02-01T00:00:00Z' },
      }),
    );
    expect(statusOf(m, 'Schedule.StartTime')).toEqual(['unsupported']);
    expect(statusOf(m, 'Schedule.EndTime')).toEqual(['unsupported']);
    expect(statusOf(m, 'State')).toEqual(['approximated']);
  });
});

describe('reading and planning an import', () => {
  it('refuses files that are not Pinpoint exports, naming each file and field', () => {
    expect(() =>
      readPinpointExport([
        { source: 'a.json', text: '{' },
        { source: 'b.json', text: '{"Foo": 1}' },
        { source: 'c.json', text: '{"SMSTemplateResponse": {"TemplateName": "x"}}' },
      ]),
    ).toThrow(
      /a\.json \(whole input\): nothing was given; expected JSON[\s\S]*b\.json \(whole input\): got "Foo"[\s\S]*c\.json SMSTemplateResponse\.Body/,
    );
  });

  it('writes a template sent by email and by SMS once, with both parts, in every locale', () => {
    const exp = readPinpointExport([
      {
        source: 'j.json',
        text: JSON.stringify({
          JourneyResponse: journey({
            StartActivity: 'e',
            Activities: { e: email('s'), s: { SMS: { TemplateName: 'T' } } },
          }),
        }),
      },
      {
        source: 'e.json',
        text: JSON.stringify({
          EmailTemplateResponse: { TemplateName: 'T', Subject: 'Hi', HtmlPart: '<p>x</p>', TextPart: 'x' },
        }),
      },
      {
        source: 's.json',
        text: JSON.stringify({
          SMSTemplateResponse: { TemplateName: 'T', Body: 'Hi {{Attributes.FirstName}}' },
        }),
      },
    ]);
    const plan = planImport(exp, { settings, now, settingsText: 'brand: { name: Shop }\n' });
    expect(Object.keys(plan.files).sort()).toEqual([
      'journeys/test-journey.pinpoint.md',
      'journeys/test-journey.yaml',
      'templates/t/de.yaml',
      'templates/t/en.yaml',
    ]);
    expect(plan.files['templates/t/en.yaml']).toContain('sms: Hi {{ customer.firstName }}');
    expect(plan.files['templates/t/en.yaml']).toContain('subject: Hi');
    expect(plan.files['templates/t/de.yaml']).toContain('translate it for de');
    expect(plan.files['journeys/test-journey.yaml']).toContain('# Pinpoint activity e');
    expect(plan.settingsText).toBeUndefined();
  });

  it('refuses two journeys that would share an id', () => {
    const text = JSON.stringify({ JourneyResponse: journey({}) });
    const exp = readPinpointExport([
      { source: 'a.json', text },
      { source: 'b.json', text },
    ]);
    expect(() => planImport(exp, { settings, now, settingsText: '' })).toThrow(
      /b\.json JourneyResponse\.Name: got "Test journey"/,
    );
  });

  it('writes a report with every entry, escaping table cells', () => {
    const md = reportMarkdown({
      journeyId: 'x',
      pinpoint: { id: 'p', name: 'X', source: 's' },
      entries: [{ kind: 'activity', subject: 'a|b', status: 'unsupported', detail: 'line\nbreak' }],
      suggestedSettings: ['pacing:'],
    });
    expect(md).toContain('0 exact, 0 approximated, 1 unsupported.');
    expect(md).toContain('| a\\|b | ✗ unsupported | line break |');
    expect(md).toContain('```yaml\npacing:\n```');
  });
});
