import type { Profile } from '../profile/profile';
import { FEEDBACK_LINK_SECONDS, PREFERENCES_LINK_SECONDS, signLink } from './link-signing';
import type { MessageRecord } from '../ports';
import { DEFAULT_TRACKING, isTracked, untrackedActionLinks } from './tracking';
import type { SendDeps, SendMessageInput } from './send';
import { customerTag } from './customer-tag';

/** What a send claims on its record (address, subject, locale) and the call that sends it. */
export interface Delivery {
  record: Partial<MessageRecord>;
  send(): Promise<{ messageId: string }>;
}

export async function emailDelivery(
  input: SendMessageInput,
  profile: Profile,
  to: string,
  key: string,
  now: Date,
  deps: Pick<SendDeps, 'linkSecret' | 'publicBaseUrl' | 'renderer' | 'mailer' | 'sender'> &
    Partial<Pick<SendDeps, 'settings'>>,
): Promise<Delivery> {
  const base = deps.publicBaseUrl.replace(/\/$/, '');
  const { unsubscribeUrl, preferencesUrl, survey } = emailLinks(
    input,
    { customerId: profile.customerId, messageKey: key, iat: Math.floor(now.getTime() / 1000) },
    base,
    await deps.linkSecret(),
  );
  const rendered = deps.renderer.render({
    template: input.template,
    profile,
    unsubscribeUrl,
    preferencesUrl,
    ...(survey ? { survey } : {}),
    ...(input.event ? { event: input.event } : {}),
  });
  return {
    record: { locale: rendered.locale, to, subject: rendered.subject },
    send: () =>
      deps.mailer.send({
        messageId: `<${key}@rapport>`,
        date: now,
        from: deps.sender,
        to,
        subject: rendered.subject,
        text: rendered.text,
        html: untrackedActionLinks(rendered.html, base),
        tracked: isTracked(deps.settings?.tracking ?? DEFAULT_TRACKING, input),
        headers: {
          'List-Unsubscribe': `<${unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
        // Come back in SES events as mail.tags: they attribute deliveries, opens and clicks (no lookup).
        tags: {
          journey: input.journeyId,
          step: input.stepId,
          template: input.template,
          customer: customerTag(profile.customerId),
          message: key,
        },
      }),
  };
}

/** The signed links an email carries: unsubscribe, the preference centre and a survey's scores. */
function emailLinks(
  input: SendMessageInput,
  claims: { customerId: string; messageKey: string; iat: number },
  base: string,
  secret: string,
) {
  const { customerId, iat } = claims;
  const token = signLink({ customerId, purpose: 'unsubscribe', channel: 'email', iat }, secret);
  const unsubscribeUrl = `${base}/unsubscribe?token=${token}`;
  const preferencesUrl = `${base}/preferences?token=${signLink(
    { customerId, purpose: 'preferences', iat, exp: iat + PREFERENCES_LINK_SECONDS },
    secret,
  )}`;
  const survey = input.survey && {
    kind: input.survey,
    links: surveyLinks(input, input.survey, claims, base, secret),
  };
  return { unsubscribeUrl, preferencesUrl, survey };
}

/** One signed link per score: a click records that score (functions/feedback). */
function surveyLinks(
  input: SendMessageInput,
  survey: 'nps' | 'csat',
  { customerId, messageKey, iat }: { customerId: string; messageKey: string; iat: number },
  base: string,
  secret: string,
): { score: number; url: string }[] {
  const scores = survey === 'nps' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [1, 2, 3, 4, 5];
  return scores.map((score) => ({
    score,
    url: `${base}/feedback?token=${signLink(
      {
        customerId,
        purpose: 'feedback',
        iat,
        exp: iat + FEEDBACK_LINK_SECONDS,
        survey,
        score,
        journeyId: input.journeyId,
        stepId: input.stepId,
        messageKey,
      },
      secret,
    )}`,
  }));
}

export function smsDelivery(
  input: SendMessageInput,
  profile: Profile,
  to: string,
  key: string,
  deps: Pick<SendDeps, 'renderer' | 'sms'>,
): Delivery {
  const rendered = deps.renderer.renderSms({
    template: input.template,
    profile,
    category: input.category,
    ...(input.event ? { event: input.event } : {}),
  });
  return {
    record: { locale: rendered.locale, to, parts: rendered.parts },
    send: () =>
      deps.sms.send({
        to,
        body: rendered.body,
        category: input.category,
        dedupeKey: key,
        tags: { journey: input.journeyId, step: input.stepId, customer: customerTag(profile.customerId) },
      }),
  };
}
