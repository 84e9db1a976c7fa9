import type { CustomerCondition } from '../../journey/step-inputs';
import type { EngagementType } from '../../events/types';
import type { AttributeDimension, MetricDimension, SimpleCondition } from './schema';

/**
 * One Pinpoint condition as Rapport customer conditions, any of which may hold (a Pinpoint attribute with
 * several values holds for any of them), or why it cannot be.
 */
export type MappedCondition =
  { ok: true; anyOf: CustomerCondition[]; approximations: string[] } | { ok: false; reason: string };

const fail = (reason: string): MappedCondition => ({ ok: false, reason });

function attributeAlternatives(name: string, d: AttributeDimension): CustomerCondition[] | undefined {
  if (d.AttributeType !== 'INCLUSIVE') return undefined;
  return d.Values.map((equals) => ({ attribute: { name, equals } }));
}

function metricCondition(name: string, m: MetricDimension): { when: CustomerCondition; approx?: string } {
  const v = m.Value;
  switch (m.ComparisonOperator) {
    case 'EQUAL':
      return { when: { attribute: { name, equals: v } } };
    case 'GREATER_THAN_OR_EQUAL':
      return { when: { attribute: { name, min: v } } };
    case 'LESS_THAN_OR_EQUAL':
      return { when: { attribute: { name, max: v } } };
    case 'GREATER_THAN':
      return {
        when: { attribute: { name, min: v } },
        approx: `${name} > ${v} became ≥ ${v} (Rapport's bounds are inclusive)`,
      };
    case 'LESS_THAN':
      return {
        when: { attribute: { name, max: v } },
        approx: `${name} < ${v} became ≤ ${v} (Rapport's bounds are inclusive)`,
      };
  }
}

/** Pinpoint segment dimensions on attributes and metrics; behaviour, demographics and location are not. */
function segmentDimensions(c: NonNullable<SimpleCondition['SegmentDimensions']>): MappedCondition {
  const other = (['Behavior', 'Demographic', 'Location'] as const).filter((k) => c[k] !== undefined);
  if (other.length)
    return fail(`segment dimension ${other.join(', ')} (Rapport keeps no device, location or session data)`);
  const attributes = { ...c.Attributes, ...c.UserAttributes };
  const metrics = Object.entries(c.Metrics ?? {});
  const count = Object.keys(attributes).length + metrics.length;
  if (count !== 1)
    return fail(
      count === 0
        ? 'an empty segment dimension'
        : 'several dimensions in one condition (Rapport tests one attribute per condition: split it)',
    );
  const [attribute] = Object.entries(attributes);
  if (attribute) {
    const anyOf = attributeAlternatives(attribute[0], attribute[1]);
    return anyOf
      ? { ok: true, anyOf, approximations: [] }
      : fail(
          `attribute ${attribute[0]} ${attribute[1].AttributeType} (Rapport compares attributes for equality and ranges)`,
        );
  }
  const [name, metric] = metrics[0]!;
  const { when, approx } = metricCondition(name, metric);
  return { ok: true, anyOf: [when], approximations: approx ? [approx] : [] };
}

/**
 * The condition as Rapport conditions. An event condition (the customer did X) is handled by the split's
 * mapping, which knows whether it waits (see map-activity.ts); here it is the latest event's type.
 */
export function mapCondition(
  c: SimpleCondition,
  eventName: (pinpoint: string, properties?: readonly string[]) => string,
): MappedCondition {
  if (c.SegmentCondition)
    return fail(`segment ${c.SegmentCondition.SegmentId} membership (Rapport has no segments)`);
  if (c.SegmentDimensions) return segmentDimensions(c.SegmentDimensions);
  const event = c.EventCondition;
  if (!event) return fail('a condition with no EventCondition, SegmentCondition or SegmentDimensions');
  if (event.MessageActivity)
    return fail(
      `an engagement condition on message ${event.MessageActivity} here: Rapport waits for one message's engagement (wait-for-event), but not as one of several conditions, in a multi-condition split or evaluated without a wait for a duration (it cannot look back at engagement before the wait began)`,
    );
  const types = event.Dimensions?.EventType;
  if (!types || types.DimensionType !== 'INCLUSIVE') return fail('an event condition without an event type');
  if (Object.keys(event.Dimensions?.Metrics ?? {}).length)
    return fail('an event metric filter (Rapport compares event properties for equality)');
  const properties = Object.entries(event.Dimensions?.Attributes ?? {});
  if (properties.some(([, d]) => d.AttributeType !== 'INCLUSIVE' || d.Values.length !== 1))
    return fail('an event attribute filter other than one value (Rapport compares properties for equality)');
  const props = Object.fromEntries(properties.map(([k, d]) => [k, d.Values[0]!]));
  return {
    ok: true,
    anyOf: types.Values.map((t) => ({
      lastEvent: properties.length
        ? { type: eventName(t, Object.keys(props)), properties: props }
        : eventName(t),
    })),
    approximations: ['the customer did the event → their latest event is of that type'],
  };
}

/** Pinpoint's engagement event names, by what they say (`_email.open`, `EMAIL_OPEN`, `_SMS.SUCCESS`…). */
const ENGAGEMENT_WORDS: Record<string, { email?: EngagementType; sms?: EngagementType }> = {
  open: { email: 'email-opened' },
  opened: { email: 'email-opened' },
  click: { email: 'email-clicked' },
  clicked: { email: 'email-clicked' },
  delivered: { email: 'email-delivered', sms: 'sms-delivered' },
  delivery: { email: 'email-delivered', sms: 'sms-delivered' },
  success: { sms: 'sms-delivered' },
};

/**
 * The Rapport engagement event a Pinpoint event on a message becomes, for a message sent by `channel`; or
 * why there is none (a bounce, a complaint, a send, or an event of the other channel).
 */
export function engagementEvent(
  pinpoint: string,
  channel: 'email' | 'sms',
): { ok: true; event: EngagementType } | { ok: false; reason: string } {
  const word = /(?:^|[._\s-])([a-z]+)$/i.exec(pinpoint.trim())?.[1]?.toLowerCase() ?? '';
  const event = ENGAGEMENT_WORDS[word]?.[channel];
  return event
    ? { ok: true, event }
    : {
        ok: false,
        reason: `the ${channel} event ${pinpoint} (Rapport waits for ${channel === 'email' ? 'an email delivered, opened or clicked' : 'a text delivered'})`,
      };
}
