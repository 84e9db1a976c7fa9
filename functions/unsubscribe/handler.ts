import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Clock } from '../../domain/clock';
import type { ConsentPolicy } from '../../domain/config/consent-modes';
import { linkOutlived } from '../../domain/erase';
import { checkLinkFor } from '../../domain/messages/links';
import { resolveLocale } from '../../domain/messages/locale';
import type { CustomerStore } from '../../domain/ports';
import { unsubscribeEmail } from '../../domain/profile/consent';
import { updateProfile } from '../../domain/profile/update';
import {
  answeringInputErrors,
  customerPage,
  escapeHtml,
  formBody,
  html,
  linkProblemHtml,
} from '../shared/http';
import { preferences } from './preferences';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface UnsubscribeDeps extends Observability, Tracing {
  store: CustomerStore;
  clock: Clock;
  linkSecret: () => Promise<string>;
  brandName: string;
  locales: readonly string[];
  defaultLocale: string;
  /** Marketing topics from settings.yaml: the preference centre lists them. */
  topics: readonly string[];
  /** settings.yaml `consent` (absent: the default): a channel is shown ticked when marketing may use it. */
  consentPolicy?: ConsentPolicy;
}

const TEXT = {
  en: {
    confirmTitle: 'Unsubscribe',
    confirm: 'Stop receiving emails from {brand}?',
    button: 'Unsubscribe',
    done: 'You will receive no more marketing emails from {brand}. We are sorry to see you go.',
    invalid: 'This unsubscribe link is not valid. Please use the link in the most recent email you received.',
    gone: 'This link is no longer valid: we no longer hold your details, and we will not write to you.',
  },
  'zh-CN': {
    confirmTitle: '退订',
    confirm: '不再接收来自 {brand} 的邮件？',
    button: '退订',
    done: '您将不会再收到来自 {brand} 的营销邮件。很遗憾看到您离开。',
    invalid: '此退订链接无效。请使用您最近收到的邮件中的链接。',
    gone: '此链接已失效：我们已不再保存您的信息，也不会再联系您。',
  },
} as const;
type Lang = keyof typeof TEXT;

/**
 * The consent pages reached from emails. `/preferences` is the preference centre (preferences.ts).
 * `GET /unsubscribe?token=…` shows a confirmation (mail scanners follow GET links, so GET changes
 * nothing); `POST` opts out at once — which is also what RFC 8058 one-click mail clients send.
 */
export function createUnsubscribeHandler(deps: UnsubscribeDeps) {
  const { logger, metrics, store, clock } = deps;
  const page = (lang: Lang, body: string) => customerPage(lang, TEXT[lang].confirmTitle, body);
  const t = (lang: Lang, key: keyof (typeof TEXT)['en']) =>
    TEXT[lang][key].replace('{brand}', escapeHtml(deps.brandName));

  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.rawPath.endsWith('/preferences')) return preferences(event, deps);
    const token = event.queryStringParameters?.token ?? '';
    const check = checkLinkFor('unsubscribe', token, await deps.linkSecret(), clock.now());
    const fallback: Lang = Object.hasOwn(TEXT, deps.defaultLocale) ? (deps.defaultLocale as Lang) : 'en';
    if (!check.ok) {
      return html(400, page(fallback, `<p>${t(fallback, 'invalid')}</p>${linkProblemHtml(check)}`));
    }
    const claims = check.claims;
    // Sent before the customer was erased: nothing of theirs is left to change (their address is suppressed).
    if (await linkOutlived(store, claims)) return html(410, page(fallback, `<p>${t(fallback, 'gone')}</p>`));

    const profile = await store.getProfile(claims.customerId);
    const lang = (
      profile ? resolveLocale(profile.locale, deps.locales, deps.defaultLocale) : fallback
    ) as Lang;
    const language: Lang = lang in TEXT ? lang : 'en';
    if (event.requestContext.http.method !== 'POST') {
      return html(
        200,
        page(
          language,
          `<p>${t(language, 'confirm')}</p><form method="post" action="?token=${encodeURIComponent(token)}">` +
            `<button type="submit">${t(language, 'button')}</button></form>`,
        ),
      );
    }
    // RFC 8058 one-click: `List-Unsubscribe=One-Click` as a form (or no body at all); nothing else is read.
    formBody(event);
    const updated = await updateProfile(store, claims.customerId, (p) =>
      unsubscribeEmail(p, clock.now(), 'unsubscribe-link'),
    );
    if (updated?.written) {
      metrics.addMetric(METRIC.unsubscribes, MetricUnit.Count, 1);
      logger.info('unsubscribed', { customerId: claims.customerId });
    }
    return html(200, page(language, `<p>${t(language, 'done')}</p>`));
  };
  return middy(answeringInputErrors(handle))
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
