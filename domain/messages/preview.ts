import * as z from 'zod';
import type { Workflows } from '../config/load';
import { Currency } from '../config/ids';
import { expect, zodProblems } from '../config/problems';
import type { Problem } from '../errors';
import { CustomerAttributes, ErasureRequest } from '../events/schema';
import { newProfile } from '../lifecycle/apply';
import type { RawEmail, SmsMessage } from '../ports';
import type { Profile } from '../profile/profile';
import { entryEventSample } from '../config/event-checks';
import { emptyValues, SAMPLE_PROFILE } from './check-templates';
import { emailDelivery, smsDelivery } from './delivery';
import { createRenderer } from './render';
import { messageKey, parseSendMessageInput, type SendMessageInput } from './send';
import { smsLength, type SmsLength } from './sms';
import { hasEmail } from './template';

/**
 * `rapport preview`: a template rendered through the send path's own code (emailDelivery, smsDelivery),
 * with a mailer and an SMS sender that keep the message instead of sending it. Only the links differ
 * from a real send: they point to PLACEHOLDER_BASE_URL and are signed with a secret no stack has.
 */
export const PLACEHOLDER_BASE_URL = 'https://placeholder-for-preview.invalid';
export const PLACEHOLDER_SECRET = 'placeholder secret: a preview link is valid nowhere';
/** The execution id of every preview: the message key (Message-ID) is then the same each time. */
export const PREVIEW_EXECUTION = 'preview';

/** Profile fields a customer file may hold that no template reads: accepted (a stored profile), not checked. */
const UNREAD_PROFILE_FIELDS = [
  'stage',
  'stageHistory',
  'tier',
  'tierHistory',
  'tags',
  'feedback',
  'mood',
  'marketingPausedUntil',
  'relationship',
  'lastEvent',
  'firstPurchaseSmall',
  'purchaseCount',
  'lastPurchaseAt',
  'recentPurchases',
  'evaluatedAt',
  'dueAt',
  'parked',
  'occasionsCheckedAt',
  'waitingUntil',
  'consent',
  'suppressed',
  'suppressionChecked',
  'givenAt',
  'recentEventIds',
  'createdAt',
  'updatedAt',
  'version',
] as const satisfies readonly (keyof Profile)[];

const customer = CustomerAttributes.shape;
/** A customer file: the shape of a stored profile; what templates read is checked as ingest checks it. */
export const PreviewCustomer = z.strictObject({
  customerId: z._default(ErasureRequest.shape.customerId, 'preview-customer'),
  email: customer.email,
  phone: customer.phone,
  preferredChannel: customer.preferredChannel,
  firstName: customer.firstName,
  locale: customer.locale,
  timeZone: customer.timeZone,
  attributes: customer.attributes,
  firstPurchase: z
    .strictObject({
      eventId: z.string().min(1).default('preview-purchase'),
      at: z.iso.datetime(expect('an ISO 8601 time such as "2026-01-01T00:00:00Z"')),
      amount: z.number(expect('an amount, e.g. 25.5')).nonnegative(expect('an amount of 0 or more')),
      currency: Currency,
      small: z.boolean(expect('true or false')).default(false),
    })
    .optional(),
  ...Object.fromEntries(UNREAD_PROFILE_FIELDS.map((f) => [f, z.unknown().optional()])),
});

/** The customer a file describes as a profile, or the problems of the file (field, value, expected). */
export function previewProfile(
  data: unknown,
  w: Pick<Workflows, 'lifecycle'>,
  now: Date,
  source: string,
): { profile: Profile } | { problems: Problem[] } {
  const parsed = PreviewCustomer.safeParse(data);
  if (!parsed.success) return { problems: zodProblems(parsed.error, data, { source }) };
  const { customerId, email, phone, preferredChannel, firstName, locale, timeZone, attributes } = parsed.data;
  const read = { email, phone, preferredChannel, firstName, locale, timeZone, attributes };
  const given = Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined));
  const firstPurchase = parsed.data.firstPurchase;
  return {
    profile: {
      ...newProfile(customerId, w.lifecycle, now),
      ...given,
      ...(firstPurchase ? { firstPurchase } : {}),
    },
  };
}

/** `--sample`: the customer validate renders every template for (check-templates.ts). */
export function sampleProfile(w: Pick<Workflows, 'lifecycle'>, now: Date): Profile {
  return { ...newProfile('sample', w.lifecycle, now), ...SAMPLE_PROFILE };
}

/**
 * The send step a preview stands for: the first journey step that sends the template (its category and
 * survey change the message), else a marketing send of no journey.
 */
export function previewSend(
  w: Pick<Workflows, 'journeys'> & { settings?: Pick<Workflows['settings'], 'customEvents'> },
  template: string,
  profile: Profile,
): SendMessageInput {
  for (const { journey } of w.journeys)
    for (const step of journey.steps)
      if (step.type === 'send' && step.template === template)
        return parseSendMessageInput({
          // A journey that starts on a declared event: its properties as validate checks them (`[name]`).
          event: entryEventSample(journey.entry.event, w.settings?.customEvents ?? {}),
          channel: step.channel,
          template,
          category: step.category,
          topic: step.topic,
          priority: step.priority,
          survey: step.survey,
          customerId: profile.customerId,
          journeyId: journey.id,
          journeyVersion: journey.version,
          stepId: step.id,
          executionId: PREVIEW_EXECUTION,
        });
  return parseSendMessageInput({
    customerId: profile.customerId,
    journeyId: 'preview',
    journeyVersion: 1,
    stepId: 'preview',
    channel: 'email',
    template,
    executionId: PREVIEW_EXECUTION,
  });
}

export interface EmailPreview {
  locale: string;
  email: RawEmail;
}
export interface SmsPreview {
  locale: string;
  sms: SmsMessage;
  characters: number;
  length: SmsLength;
}

export interface Preview {
  email?: EmailPreview;
  sms?: SmsPreview;
  /** What renders empty for this customer (see emptyValues): a warning, not a failure. */
  empty: ReturnType<typeof emptyValues>;
}

/**
 * What the template's send would give this customer: the email and the SMS it has. `locale`: the version
 * the send picks for the customer's own locale (resolveLocale), one the template has.
 */
export async function renderPreview(
  w: Pick<Workflows, 'settings' | 'templates' | 'layouts'>,
  input: SendMessageInput,
  profile: Profile,
  opts: { now: Date; sender: string; locale: string },
): Promise<Preview> {
  const kept: { email?: RawEmail; sms?: SmsMessage } = {};
  const deps = {
    renderer: createRenderer(w),
    sender: opts.sender,
    publicBaseUrl: PLACEHOLDER_BASE_URL,
    linkSecret: () => Promise.resolve(PLACEHOLDER_SECRET),
    mailer: { send: (e: RawEmail) => ((kept.email = e), Promise.resolve({ messageId: 'preview' })) },
    sms: { send: (m: SmsMessage) => ((kept.sms = m), Promise.resolve({ messageId: 'preview' })) },
  };
  const key = messageKey(input.executionId, input.stepId);
  const tpl = w.templates[input.template]?.[opts.locale];
  const out: Preview = { empty: tpl ? emptyValues(tpl, w.settings.brand, profile, input.event) : [] };
  if (tpl && hasEmail(tpl)) {
    const to = profile.email ?? 'no-address@example.com';
    const delivery = await emailDelivery(input, profile, to, key, opts.now, deps);
    await delivery.send();
    if (kept.email) out.email = { locale: delivery.record.locale ?? '', email: kept.email };
  }
  if (tpl?.sms !== undefined) {
    const delivery = smsDelivery(input, profile, profile.phone ?? '+10000000000', key, deps);
    await delivery.send();
    const { sms } = kept;
    if (sms)
      out.sms = {
        locale: delivery.record.locale ?? '',
        sms,
        characters: [...sms.body].length,
        length: smsLength(sms.body),
      };
  }
  return out;
}
