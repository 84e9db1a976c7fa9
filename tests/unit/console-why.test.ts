import { customerItemsOf } from '../../adapters/dynamodb/customer-partition';
import { renderTimeline, renderWhy } from '../../adapters/console/timeline-html';
import { timelineLines } from '../../domain/console/describe';
import { buildTimeline } from '../../domain/console/timeline';
import { latestMessage, why, whyLines } from '../../domain/console/why';
import { ITEMS, message, profile } from '../support/console-items';

// Why a message went or not, and the partition as items and HTML; the timeline: console-timeline.test.ts.

describe('why', () => {
  const timeline = buildTimeline(ITEMS);
  it('a sent message: the purchase, the stage and tier it moved, the entry, the branch, the checks passed', () => {
    const answer = why(timeline, 'm-thanks')!;
    expect(answer.entry?.executionName).toBe('welcome-c-1-abc');
    expect(answer.triggerEvent?.eventId).toBe('e-1');
    expect(answer.lifecycle.map((c) => `${c.type}:${c.to}`)).toEqual(['stage:first-purchase', 'tier:vip']);
    expect(answer.path.map((p) => p.type)).toEqual(['step', 'decision', 'step']);
    expect(whyLines(answer)).toEqual([
      'Message m-thanks: welcome v3, step thanks (marketing)',
      '  2026-01-01T10:00:00Z  event purchase e-1 received',
      '  2026-01-01T10:00:00Z  stage (none) → first-purchase because purchase e-1',
      '  2026-01-01T10:00:00Z  tier regular → vip because purchase e-1',
      '  2026-01-01T10:00:05Z  entered welcome v3 because purchase e-1',
      '  2026-01-01T10:00:05Z  step vip?',
      '  2026-01-01T10:00:05Z  branch vip? took "yes"',
      // A decision stored before decisions kept their explanation.
      '      conditions not recorded',
      '  2026-01-01T10:00:05Z  step thanks',
      '  2026-01-01T10:00:05Z  policy passed: address, suppression, consent (channel), control group, marketing pause, quiet hours, open hours and closed days, frequency cap',
      '  2026-01-01T10:00:06Z  email thanks sent at 2026-01-01T10:00:06Z',
      '  to li@example.com',
    ]);
  });

  it('a skipped message from a timer-started journey: the timer, the stage it moved, the check that held it', () => {
    const answer = why(timeline, 'm-winback')!;
    expect(answer.triggerEvent).toBeUndefined();
    expect(answer.lifecycle.map((c) => c.to)).toEqual(['dormant']);
    expect(answer.path).toEqual([]);
    expect(answer.policy).toEqual(['held by: the address is suppressed (a bounce, complaint or opt-out)']);
    expect(whyLines(answer)).toContain(
      '  2026-04-01T10:00:01Z  entered winback v1 because the lifecycle timer timer:dormant:2026-04-01T10:00:00Z (time passed)',
    );
  });

  it('a deferred message says until when; an unknown key has no answer; the latest message is the default', () => {
    expect(why(timeline, 'm-tip')?.outcome).toBe(
      "email thanks deferred: quiet hours in the customer's time zone, until 2026-01-02T01:00:00Z",
    );
    expect(why(timeline, 'm-none')).toBeUndefined();
    expect(latestMessage(timeline)?.messageKey).toBe('m-winback');
  });
});

describe('the partition as items, and the HTML', () => {
  it('sorts raw items by kind and drops the keys and due-index attributes', () => {
    const items = customerItemsOf('c-1', [
      { pk: 'CUSTOMER#c-1', sk: 'PROFILE', dueShard: 'DUE#1', dueAt: 'x', ...profile },
      {
        pk: 'CUSTOMER#c-1',
        sk: 'EVENT#e-3',
        dueShard: 'DUE#1',
        dueAt: '!',
        customerId: 'c-1',
        eventId: 'e-3',
        type: 'purchase',
        at: '2026-06-01T00:00:00Z',
        state: 'claimed',
      },
      { pk: 'CUSTOMER#c-1', sk: 'MESSAGE#m', ...message({}) },
      { pk: 'CUSTOMER#c-1', sk: 'PACING', version: 1 },
    ]);
    expect(items.profile).not.toHaveProperty('pk');
    expect(items.profile).not.toHaveProperty('dueShard');
    expect(items.events).toEqual([
      { customerId: 'c-1', eventId: 'e-3', type: 'purchase', at: '2026-06-01T00:00:00Z', state: 'claimed' },
    ]);
    expect(items.messages.map((m) => m.messageKey)).toEqual(['m-thanks']);
    expect(timelineLines(buildTimeline(items).entries)).toContain(
      '2026-06-01T00:00:00Z  event purchase e-3 being applied (claimed)',
    );
  });

  it('escapes every value and marks each message with its key and status', () => {
    const timeline = buildTimeline(ITEMS);
    const html = renderTimeline(timeline);
    expect(html).toContain('&#60;b&#62;late&#60;/b&#62; &#38; cold');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<li class="entry entry-message" data-message="m-tip" data-status="deferred">');
    expect(html.match(/<li /g)).toHaveLength(timeline.entries.length);
    const whyHtml = renderWhy(why(timeline, 'm-thanks')!);
    expect(whyHtml).toContain('<h3>Message m-thanks: welcome v3, step thanks (marketing)</h3>');
    expect(whyHtml).toContain('<li>to li@example.com</li>');
  });
});
