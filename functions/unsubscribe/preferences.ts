import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { linkOutlived } from '../../domain/erase';
import { checkLinkFor } from '../../domain/messages/links';
import { resolveLocale } from '../../domain/messages/locale';
import { DEFAULT_CONSENT_POLICY, type ConsentPolicy } from '../../domain/config/consent-modes';
import type { Channel } from '../../domain/config/ids';
import {
  applyConsent,
  channelConsent,
  mayMarketOn,
  topicConsent,
  type ConsentChange,
} from '../../domain/profile/consent';
import type { ConsentStatus, Profile } from '../../domain/profile/profile';
import { updateProfile } from '../../domain/profile/update';
import { customerPage, escapeHtml, formFields, html, linkProblemHtml } from '../shared/http';
import type { UnsubscribeDeps } from './handler';

const TEXT = {
  en: {
    title: 'Your preferences',
    intro: 'Choose how {brand} may write to you, and about what.',
    channels: 'Channels',
    email: 'Email',
    sms: 'Text messages (SMS)',
    topics: 'Topics',
    save: 'Save',
    saved: 'Saved. Messages about your orders and your account still reach you.',
    notSaved:
      'Not every choice could be saved: the boxes below show what we have on record. Please try again.',
    invalid: 'This link is not valid. Please use the link in the most recent email you received.',
    expired: 'This link has expired. The link in any newer email from us will work.',
    gone: 'This link is no longer valid: we no longer hold your details, and we will not write to you.',
  },
  'zh-CN': {
    title: '消息偏好',
    intro: '选择 {brand} 可以通过哪些方式、就哪些内容联系您。',
    channels: '渠道',
    email: '电子邮件',
    sms: '短信',
    topics: '内容',
    save: '保存',
    saved: '已保存。与您的订单和账户有关的通知仍会照常发送。',
    notSaved: '部分选择未能保存：下面显示的是我们记录的设置。请重试。',
    invalid: '此链接无效。请使用您最近收到的邮件中的链接。',
    expired: '此链接已过期。我们之后发送的任何邮件中的链接都可以使用。',
    gone: '此链接已失效：我们已不再保存您的信息，也不会再联系您。',
  },
} as const;
type Lang = keyof typeof TEXT;
/** A page's text in a language, with the brand's name. */
type Text = (lang: Lang, key: keyof (typeof TEXT)['en']) => string;

/** Names of the shipped topics; a topic added in settings.yaml shows its id until it gets one here. */
const TOPIC_NAMES: Record<Lang, Record<string, string>> = {
  en: {
    greetings: 'Greetings (birthdays, festivals)',
    offers: 'Offers',
    events: 'Invitations to events',
    service: 'Tips and service news',
  },
  'zh-CN': {
    greetings: '节日与生日问候',
    offers: '优惠信息',
    events: '活动邀请',
    service: '使用贴士与服务资讯',
  },
};

/**
 * The preference centre: `GET /preferences?token=…` shows the customer's channels and topics as they
 * stand; `POST` saves them (source `preference-centre`). The token is signed and expires after a year:
 * tampered or out-of-range claims → 400 (naming them), expired → 403, issued before the customer's erasure
 * → 410, and nothing changes.
 */
export async function preferences(
  event: APIGatewayProxyEventV2,
  deps: UnsubscribeDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const fallback: Lang = Object.hasOwn(TEXT, deps.defaultLocale) ? (deps.defaultLocale as Lang) : 'en';
  const t: Text = (lang, key) => TEXT[lang][key].replace('{brand}', escapeHtml(deps.brandName));
  const page = (lang: Lang, body: string) =>
    customerPage(lang, TEXT[lang].title, `<h1 style="font-size:1.4em">${TEXT[lang].title}</h1>${body}`);

  const token = event.queryStringParameters?.token ?? '';
  const check = checkLinkFor('preferences', token, await deps.linkSecret(), deps.clock.now());
  if (!check.ok) {
    return html(
      check.why === 'expired' ? 403 : 400,
      page(fallback, `<p>${t(fallback, check.why)}</p>${linkProblemHtml(check)}`),
    );
  }
  const { customerId } = check.claims;
  // Sent before the customer was erased: their consent went with them, and nothing may recreate it.
  if (await linkOutlived(deps.store, check.claims))
    return html(410, page(fallback, `<p>${t(fallback, 'gone')}</p>`));

  let profile = await deps.store.getProfile(customerId);
  const resolved = profile ? resolveLocale(profile.locale, deps.locales, deps.defaultLocale) : fallback;
  const lang: Lang = Object.hasOwn(TEXT, resolved) ? (resolved as Lang) : 'en';
  let saved: 'saved' | 'notSaved' | undefined;

  const policy = deps.consentPolicy ?? DEFAULT_CONSENT_POLICY;
  if (event.requestContext.http.method === 'POST' && profile) {
    const result = await saveChoices(event, deps, customerId, policy);
    profile = result?.profile;
    saved = result?.recorded ? 'saved' : 'notSaved';
  }
  if (!profile) return html(400, page(lang, `<p>${t(lang, 'invalid')}</p>`));

  const form = preferencesForm(profile, lang, token, deps.topics, policy, t);
  return html(
    200,
    page(lang, `${saved ? `<p role="status"><strong>${t(lang, saved)}</strong></p>` : ''}${form}`),
  );
}

/**
 * Saves the form's boxes as the customer's consent: the profile as it now stands, and whether every choice
 * stated is the one on record (the page says "saved" only then).
 */
async function saveChoices(
  event: APIGatewayProxyEventV2,
  deps: UnsubscribeDeps,
  customerId: string,
  policy: ConsentPolicy,
): Promise<{ profile: Profile; recorded: boolean } | undefined> {
  const form = formFields(event);
  // An unticked box is absent from the form: every topic shown is stated either way.
  const ticked = (name: string) => form.get(name) === 'on';
  const status = (name: string): ConsentStatus => (ticked(name) ? 'subscribed' : 'unsubscribed');
  const topics = Object.fromEntries(deps.topics.map((topic) => [topic, status(`topic:${topic}`)]));
  const at = deps.clock.now();
  const now = at.toISOString();
  let change: ConsentChange = {};
  const updated = await updateProfile(deps.store, customerId, (current) => {
    change = {
      email: channelChoice(current, 'email', ticked('email'), policy),
      sms: channelChoice(current, 'sms', ticked('sms'), policy),
      topics,
    };
    const next = applyConsent(current, change, now, 'preference-centre', at);
    return next === current ? current : { ...next, updatedAt: now, version: current.version + 1 };
  });
  if (updated?.written) deps.logger.info('preferences saved', { customerId });
  if (!updated) return undefined;
  const recorded = isOnRecord(updated.profile, change);
  if (!recorded) deps.logger.warn('preferences not all recorded', { customerId });
  return { profile: updated.profile, recorded };
}

/** Whether each choice `change` states is the customer's consent on record in `profile`. */
function isOnRecord(profile: Profile, change: ConsentChange): boolean {
  const channels = (['email', 'sms'] as const).every(
    (c) => change[c] === undefined || channelConsent(profile, c) === change[c],
  );
  const topics = Object.entries(change.topics ?? {}).every(([t, s]) => topicConsent(profile, t) === s);
  return channels && topics;
}

/**
 * The form of channels and topics. Ticked: what marketing may use now. An SMS the customer never agreed
 * to is unticked (the policy needs an opt-in), so ticking it and saving is the explicit opt-in, recorded
 * from the preference centre.
 */
function preferencesForm(
  profile: Profile,
  lang: Lang,
  token: string,
  topics: readonly string[],
  policy: ConsentPolicy,
  t: Text,
): string {
  const box = (name: string, label: string, checked: boolean) =>
    `<p><label><input type="checkbox" name="${escapeHtml(name)}"${checked ? ' checked' : ''}> ${escapeHtml(label)}</label></p>`;
  return (
    `<p>${t(lang, 'intro')}</p>` +
    `<form method="post" action="?token=${encodeURIComponent(token)}">` +
    `<h2 style="font-size:1.1em">${t(lang, 'channels')}</h2>` +
    box('email', TEXT[lang].email, mayMarketOn(profile, 'email', policy)) +
    box('sms', TEXT[lang].sms, mayMarketOn(profile, 'sms', policy)) +
    `<h2 style="font-size:1.1em">${t(lang, 'topics')}</h2>` +
    topics
      .map((topic) =>
        box(
          `topic:${topic}`,
          TOPIC_NAMES[lang][topic] ?? topic,
          topicConsent(profile, topic) !== 'unsubscribed',
        ),
      )
      .join('') +
    `<button type="submit">${t(lang, 'save')}</button></form>`
  );
}

/**
 * A channel's box states a choice only when the customer changed it from how the page shows it: a box
 * left as shown says nothing, so an email box ticked by an implied policy never becomes an explicit
 * opt-in (wrong the day a market needs one), and an SMS box left unticked never records an opt-out dated
 * now that would outrank an earlier opt-in imported later.
 */
function channelChoice(
  profile: Profile,
  channel: Channel,
  ticked: boolean,
  policy: ConsentPolicy,
): ConsentStatus | undefined {
  if (ticked === mayMarketOn(profile, channel, policy)) return undefined;
  return ticked ? 'subscribed' : 'unsubscribed';
}
