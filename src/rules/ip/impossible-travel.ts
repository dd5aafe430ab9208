import { distanceKm } from '../../shared/distance.ts';
import type { Observation } from '../../shared/profile.ts';
import { defineRule } from '../rule.ts';

/**
 * The speed between this event and the subject's previous located event,
 * after giving both geolocations their accuracy radius, exceeds what an
 * airliner does. Geo-IP is coarse, so the radius is subtracted from the
 * distance first: only travel that is impossible even in the kindest reading
 * counts.
 */
export const impossibleTravel = defineRule({
  code: 'IMPOSSIBLE_TRAVEL',
  description: 'Speed from the previous located event exceeds a physical bound',
  appliesTo: ['login', 'browse', 'order'],
  group: 'unfamiliar-login',
  defaults: { enabled: true, shadow: false, points: 45, maxSpeedKmh: 900, minDistanceKm: 500 },
  evaluate: (event, view, s) => {
    const here = event.geo;
    if (!event.subject || !here) return undefined;
    // Where the customer really was: failed logins may be an attacker's, and do not count.
    const history = view.observations('subject', event.subject);
    const counts = (o: Observation) => o.outcome !== 'failure' && o.at <= event.at;
    let previous: Observation | undefined;
    for (let i = history.length - 1; i >= 0 && !previous; i--) {
      const o = history[i]!;
      if (counts(o) && o.lat !== undefined) previous = o;
    }
    if (!previous || previous.country === here.country) return undefined;
    // Back at a place this customer was seen before: if anything was impossible, it was the
    // previous event (and that one was scored then); blaming the return home flags the victim.
    if (history.some((o) => counts(o) && o.country === here.country)) return undefined;
    const km = distanceKm(here, { lat: previous.lat!, lon: previous.lon! });
    const slackKm = here.accuracyKm + (previous.accuracyKm ?? 0);
    const effectiveKm = km - slackKm;
    if (effectiveKm < s.minDistanceKm) return undefined;
    const hours = Math.max((event.at - previous.at) / 3_600_000, 1 / 60);
    const speed = effectiveKm / hours;
    if (speed <= s.maxSpeedKmh) return undefined;
    return {
      message: `${Math.round(km)} km from ${previous.country} to ${here.country} in ${hours.toFixed(1)} h (${Math.round(speed)} km/h)`,
      evidence: {
        from: previous.country ?? 'unknown',
        to: here.country,
        km: Math.round(km),
        hours: Number(hours.toFixed(2)),
        kmh: Math.round(speed),
      },
    };
  },
});
