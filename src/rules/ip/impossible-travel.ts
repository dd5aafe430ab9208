import { distanceKm } from '../../shared/distance.ts';
import type { Observation } from '../../shared/profile.ts';
import { placeless } from '../egress.ts';
import { defineRule } from '../rule.ts';

type Place = Pick<Observation, 'at' | 'country' | 'lat' | 'lon' | 'accuracyKm'>;

/**
 * The speed between two located events after giving both geolocations their accuracy radius
 * (geo-IP is coarse: only travel that is impossible even in the kindest reading counts), or
 * undefined when they are in one country or closer than `minDistanceKm` after the radii.
 */
function speedOf(from: Place, to: Place, minDistanceKm: number) {
  if (from.country === to.country) return undefined;
  const km = distanceKm({ lat: to.lat!, lon: to.lon! }, { lat: from.lat!, lon: from.lon! });
  const effectiveKm = km - (to.accuracyKm ?? 0) - (from.accuracyKm ?? 0);
  if (effectiveKm < minDistanceKm) return undefined;
  const hours = Math.max((to.at - from.at) / 3_600_000, 1 / 60);
  return { km, hours, kmh: effectiveKm / hours };
}

/** A located event before `at` that was not a failed login (see {@link impossibleTravel}). */
const locatedBefore = (o: Observation, at: number): boolean =>
  o.outcome !== 'failure' && o.at <= at && o.lat !== undefined;

/**
 * The customer's own history already holds a jump no one could travel: their addresses are
 * placed where an egress is (iCloud Private Relay, a VPN that picks a server per connection),
 * not where they are, and one more jump says nothing about who is there.
 */
function jumpsBefore(located: readonly Observation[], s: { maxSpeedKmh: number; minDistanceKm: number }) {
  for (let i = located.length - 1; i > 0; i--) {
    const speed = speedOf(located[i - 1]!, located[i]!, s.minDistanceKm);
    if (speed && speed.kmh > s.maxSpeedKmh) return true;
  }
  return false;
}

/**
 * The speed between this event and the subject's previous located event, after giving both
 * geolocations their accuracy radius, exceeds what an airliner does. Not when returning to a
 * country the customer was seen in, when either end is in a hosting network (a VPN or cloud
 * egress is placed at its data centre, not at the person), when the customer's own history
 * already jumps impossibly, or when the network is egress placed in many countries.
 */
export const impossibleTravel = defineRule({
  code: 'IMPOSSIBLE_TRAVEL',
  description: 'Speed from the previous located event exceeds a physical bound',
  appliesTo: ['login', 'browse', 'order'],
  group: 'unfamiliar-login',
  defaults: {
    enabled: true,
    shadow: false,
    points: 45,
    maxSpeedKmh: 900,
    minDistanceKm: 500,
    egressCountries: 3,
  },
  evaluate: (event, view, s) => {
    const here = event.geo;
    if (!event.subject || !here || event.hosting) return undefined;
    // Where the customer really was: failed logins may be an attacker's, and do not count.
    const history = view.observations('subject', event.subject);
    let previous: Observation | undefined;
    for (let i = history.length - 1; i >= 0 && !previous; i--) {
      if (locatedBefore(history[i]!, event.at)) previous = history[i];
    }
    if (!previous || previous.hosting || previous.country === here.country) return undefined;
    const located = history.filter((o) => locatedBefore(o, event.at));
    // Back at a place this customer was seen before: if anything was impossible, it was the
    // previous event (and that one was scored then); blaming the return home flags the victim.
    if (located.some((o) => o.country === here.country)) return undefined;
    const speed = speedOf(previous, { ...here, at: event.at }, s.minDistanceKm);
    if (!speed || speed.kmh <= s.maxSpeedKmh || jumpsBefore(located, s)) return undefined;
    if (placeless(view.observations('network', event.ip.network), s.egressCountries)) return undefined;
    const { km, hours, kmh } = speed;
    return {
      message: `${Math.round(km)} km from ${previous.country} to ${here.country} in ${hours.toFixed(1)} h (${Math.round(kmh)} km/h)`,
      evidence: {
        from: previous.country ?? 'unknown',
        to: here.country,
        km: Math.round(km),
        hours: Number(hours.toFixed(2)),
        kmh: Math.round(kmh),
      },
    };
  },
});
