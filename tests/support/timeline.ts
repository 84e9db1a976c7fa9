import { buildTimeline, type Timeline } from '../../domain/console/timeline';
import type { Profile } from '../../domain/profile/profile';

/** The timeline of a customer Rapport holds nothing about but their profile: what the profile alone tells. */
export function profileTimeline(profile: Profile): Timeline {
  return buildTimeline({
    customerId: profile.customerId,
    profile,
    events: [],
    journeys: [],
    messages: [],
    decisions: [],
    awaits: [],
  });
}
