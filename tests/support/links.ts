import { FEEDBACK_LINK_SECONDS, type FeedbackClaims } from '../../domain/messages/links';

/**
 * The claims of a valid feedback link: a score of 3 from the nps-survey's `ask` step, issued at `iat`
 * and good for as long as the runtime makes them. The keys are in the order the runtime signs them.
 */
export function feedbackClaims(customerId: string, iat: number): FeedbackClaims {
  return {
    customerId,
    purpose: 'feedback',
    iat,
    exp: iat + FEEDBACK_LINK_SECONDS,
    survey: 'nps',
    score: 3,
    journeyId: 'nps-survey',
    stepId: 'ask',
    messageKey: '0123456789abcdef0123456789abcdef',
  };
}
