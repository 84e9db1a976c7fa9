import { durationSeconds } from '../config/duration';
import type { ComplaintEvent, FeedbackEvent } from '../events/schema';
import type { Care } from '../lifecycle/schema';
import { feedbackOnFile, withFeedback } from './histories';
import type { Mood, Profile } from './profile';

const DAY = 86_400_000;

/**
 * The relationship score ("stickiness"), 0–100:
 *
 *   100 × (0.30·R + 0.20·F + 0.15·M + 0.20·S + 0.15·E)
 *
 * - R, recency: 0.5^(days since the last purchase / 90); 0 without a purchase.
 * - F, frequency: purchases so far, up to 12, over 12.
 * - M, monetary: spend in the look-back window over `care.monetaryTarget`, at most 1 (currencies are
 *   added as they are: set the target in the currency most customers use).
 * - S, satisfaction: the latest NPS / 10, else (satisfaction − 1) / 4, else 0.5.
 * - E, emotion: 0 after a complaint in the last 90 days; else the latest sentiment: positive 1,
 *   neutral or mixed 0.5, negative 0; none 0.5.
 *
 * Evaluated at `now` on every purchase, feedback and complaint.
 */
export function relationshipScore(profile: Profile, care: Care, now: Date): number {
  const days = (iso: string) => (now.getTime() - Date.parse(iso)) / DAY;
  const r = profile.lastPurchaseAt ? 0.5 ** (Math.max(0, days(profile.lastPurchaseAt)) / 90) : 0;
  const f = Math.min(profile.purchaseCount, 12) / 12;
  const spent = profile.recentPurchases.reduce((sum, p) => sum + p.amount, 0);
  const m = Math.min(spent / care.monetaryTarget, 1);
  const { nps, csat, sentiment, lastComplaintAt } = profile.feedback ?? {};
  const s = nps ? nps.score / 10 : csat ? (csat.score - 1) / 4 : 0.5;
  const e =
    lastComplaintAt && days(lastComplaintAt) <= 90
      ? 0
      : sentiment
        ? { positive: 1, neutral: 0.5, mixed: 0.5, negative: 0 }[sentiment.label]
        : 0.5;
  return Math.round(100 * (0.3 * r + 0.2 * f + 0.15 * m + 0.2 * s + 0.15 * e));
}

/** How one piece of feedback leaves the customer. */
export function moodOf(event: FeedbackEvent | ComplaintEvent, care: Care): Mood {
  if (event.type === 'complaint' || event.sentiment === 'negative') return 'unhappy';
  if (event.survey === 'nps')
    return event.score <= care.detractorAtMost
      ? 'unhappy'
      : event.score >= care.promoterAtLeast
        ? 'happy'
        : 'neutral';
  return event.score <= care.dissatisfiedAtMost ? 'unhappy' : event.score === 5 ? 'happy' : 'neutral';
}

/**
 * Folds a survey answer or a complaint into the profile (a fresh copy, as applyEvent makes). Later
 * answers win by business time, so the order events arrive in does not matter; every answer, late or
 * not, goes into `feedbackHistory` (without its text). An unhappy customer gets no marketing for
 * `care.pauseMarketing`.
 */
export function addFeedback(profile: Profile, event: FeedbackEvent | ComplaintEvent, care: Care): void {
  const history = profile.feedbackHistory ?? feedbackOnFile(profile);
  const feedback = { ...profile.feedback };
  const newer = (current: { at: string } | undefined) => !current || event.at >= current.at;
  const dated = { at: event.at, eventId: event.eventId };
  if (event.type === 'feedback' && newer(feedback[event.survey]))
    feedback[event.survey] = { ...dated, score: event.score };
  if (
    event.type === 'complaint' &&
    newer(feedback.lastComplaintAt ? { at: feedback.lastComplaintAt } : undefined)
  )
    feedback.lastComplaintAt = event.at;
  if (event.sentiment && newer(feedback.sentiment)) feedback.sentiment = { ...dated, label: event.sentiment };
  const text = event.type === 'feedback' ? event.comment : event.text;
  if (text && newer(feedback.comment)) feedback.comment = { ...dated, text };
  profile.feedback = feedback;

  const mood = moodOf(event, care);
  profile.feedbackHistory = withFeedback(history, {
    ...dated,
    ...(event.type === 'feedback' ? { kind: event.survey, score: event.score } : { kind: 'complaint' }),
    ...(event.sentiment ? { sentiment: event.sentiment } : {}),
    ...(text ? { commented: true } : {}),
    mood,
  });
  if (newer(profile.mood)) profile.mood = { ...dated, value: mood };
  if (mood === 'unhappy') {
    const until = new Date(Date.parse(event.at) + durationSeconds(care.pauseMarketing) * 1000).toISOString();
    if (!profile.marketingPausedUntil || until > profile.marketingPausedUntil)
      profile.marketingPausedUntil = until;
  }
}
