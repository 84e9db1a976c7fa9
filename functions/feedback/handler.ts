import { createHash } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FeedbackEvent } from '../../domain/events/schema';
import { withSentiment } from '../../domain/events/sentiment';
import { linkOutlived } from '../../domain/erase';
import { EventIdReusedError, ingestEvent, type IngestResult } from '../../domain/ingest';
import { checkLinkFor, type FeedbackClaims } from '../../domain/messages/links';
import { withoutControls } from '../../domain/events/text';
import { resolveLocale } from '../../domain/messages/locale';
import type { LifecycleDeps, SentimentClassifier } from '../../domain/ports';
import {
  answeringInputErrors,
  customerPage,
  escapeHtml,
  formFields,
  html,
  linkProblemHtml,
} from '../shared/http';
import { countGoalsReached, countingPublisher } from '../shared/journey-metrics';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface FeedbackHandlerDeps extends Observability, Tracing, LifecycleDeps {
  linkSecret: () => Promise<string>;
  sentiment: SentimentClassifier;
  brandName: string;
  locales: readonly string[];
  defaultLocale: string;
}

const TEXT = {
  en: {
    title: 'Thank you',
    thanks: 'Thank you: your answer ({score}) has reached {brand}.',
    record: 'Send my answer',
    comment: 'Anything you would like to add? (optional)',
    send: 'Send',
    commented: 'Thank you for telling us more. A person reads every comment.',
    invalid: 'This link is not valid. Please use the link in the email you received.',
    expired: 'This survey has closed. Thank you all the same.',
    gone: 'This link is no longer valid. Nothing has been recorded, and there is nothing you need to do.',
  },
  'zh-CN': {
    title: '谢谢',
    thanks: '谢谢您！您的评分（{score}）已经送达 {brand}。',
    record: '提交我的评分',
    comment: '还有什么想告诉我们的吗？（可不填）',
    send: '提交',
    commented: '谢谢您告诉我们更多。每一条留言都会有专人阅读。',
    invalid: '此链接无效。请使用您收到的邮件中的链接。',
    expired: '这次调查已经结束。仍然谢谢您。',
    gone: '此链接已失效。我们没有记录任何内容，您无需做任何事。',
  },
} as const;
type Lang = keyof typeof TEXT;

/** Longest comment accepted from the form, in characters (the event allows 5000). */
const MAX_COMMENT = 2000;

/**
 * `GET /feedback?token=…` is the one-click score link of a survey email. Mail scanners open links too,
 * so GET itself records nothing: the page records the score with a script as it opens in a browser (or
 * with its button, without scripts), and offers a comment box. `POST` records the score, and the comment
 * if there is one, as `feedback` events through the same exactly-once ingest as every other event.
 * A tampered token, or a signed one whose claims are out of range (naming them), is refused with 400, an
 * expired one with 403, one issued before the customer's erasure with 410; nothing changes either way.
 */
export function createFeedbackHandler(deps: FeedbackHandlerDeps) {
  const { logger, metrics } = deps;
  const fallback: Lang = Object.hasOwn(TEXT, deps.defaultLocale) ? (deps.defaultLocale as Lang) : 'en';
  const t = (lang: Lang, key: keyof (typeof TEXT)['en'], score?: number) =>
    TEXT[lang][key].replace('{brand}', escapeHtml(deps.brandName)).replace('{score}', String(score ?? ''));
  const page = (lang: Lang, body: string) => customerPage(lang, TEXT[lang].title, body);

  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.queryStringParameters?.token ?? '';
    const check = checkLinkFor('feedback', token, await deps.linkSecret(), deps.clock.now());
    if (!check.ok) {
      return html(
        check.why === 'expired' ? 403 : 400,
        page(fallback, `<p>${t(fallback, check.why)}</p>${linkProblemHtml(check)}`),
      );
    }
    const claims = check.claims;
    // Sent before the customer was erased: it must not bring them back. Gone, whatever the method.
    if (await linkOutlived(deps.store, claims))
      return html(410, page(fallback, `<p>${t(fallback, 'gone')}</p>`));
    const profile = await deps.store.getProfile(claims.customerId);
    const resolved = profile ? resolveLocale(profile.locale, deps.locales, deps.defaultLocale) : fallback;
    const lang: Lang = Object.hasOwn(TEXT, resolved) ? (resolved as Lang) : 'en';
    const action = `?token=${encodeURIComponent(token)}`;

    if (event.requestContext.http.method !== 'POST') {
      return html(
        200,
        page(
          lang,
          `<p>${t(lang, 'thanks', claims.score)}</p>` +
            `<form method="post" action="${action}" id="score"><noscript><button type="submit">${t(lang, 'record')}</button></noscript></form>` +
            `<script>fetch(location.href,{method:'POST'})</script>` +
            `<form method="post" action="${action}"><p><label>${t(lang, 'comment')}<br>` +
            `<textarea name="comment" rows="5" maxlength="${MAX_COMMENT}" style="width:100%"></textarea></label></p>` +
            `<button type="submit">${t(lang, 'send')}</button></form>`,
        ),
      );
    }
    // A browser sends what was typed; stray control characters are dropped rather than the comment refused.
    const typed = formFields(event).get('comment');
    const comment = (typed && withoutControls(typed).trim().slice(0, MAX_COMMENT)) || undefined;
    await recordFeedback(deps, claims, comment);
    return html(200, page(lang, `<p>${t(lang, comment ? 'commented' : 'thanks', claims.score)}</p>`));
  };
  return middy(answeringInputErrors(handle))
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/**
 * The score, and the comment if there is one, as a `feedback` event. Its id is the message's and the
 * score's (and the comment's hash): the same answer clicked again is a duplicate, not a second answer.
 */
async function recordFeedback(
  deps: FeedbackHandlerDeps,
  claims: FeedbackClaims,
  comment: string | undefined,
): Promise<void> {
  const suffix = comment ? `-${createHash('sha256').update(comment).digest('hex').slice(0, 12)}` : '';
  const event: FeedbackEvent = {
    eventId: `survey-${claims.messageKey}-${claims.score}${suffix}`,
    type: 'feedback',
    customerId: claims.customerId,
    at: deps.clock.now().toISOString(),
    survey: claims.survey,
    score: claims.score,
    ...(comment ? { comment } : {}),
    about: { journeyId: claims.journeyId, stepId: claims.stepId },
  };
  const result = await ingestEvent((await withSentiment(event, deps.sentiment)) as FeedbackEvent, {
    ...deps,
    publisher: countingPublisher(deps.publisher, deps.metrics),
  }).catch((e: unknown): Pick<IngestResult, 'status' | 'journeysStarted' | 'conversions'> => {
    // The same answer clicked again later: the first click's time stands.
    if (e instanceof EventIdReusedError) return { status: 'duplicate', journeysStarted: [], conversions: [] };
    throw e;
  });
  deps.metrics.addMetric(METRIC.feedbackReceived, MetricUnit.Count, result.status === 'accepted' ? 1 : 0);
  // A journey may take a survey answer as its goal.
  countGoalsReached(deps.metrics, result.conversions);
  deps.logger.info('feedback recorded', {
    customerId: claims.customerId,
    survey: claims.survey,
    score: claims.score,
    status: result.status,
    journeysStarted: result.journeysStarted,
  });
}
