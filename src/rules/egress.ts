import type { Observation } from '../shared/profile.ts';

/** How many of a network's latest observations are looked at: a busy network must not cost more. */
const LOOK_BACK = 200;

/**
 * The network's latest logins and orders were placed in `minCountries` or more countries: its
 * addresses are egress (iCloud Private Relay, a VPN's servers) that geolocation places address by
 * address, not where the customer is. A household or office network stays in one country.
 */
export function placeless(network: readonly Observation[], minCountries: number): boolean {
  const seen = new Set<string>();
  for (let i = network.length - 1; i >= 0 && i >= network.length - LOOK_BACK; i--) {
    const country = network[i]!.country;
    if (country !== undefined) seen.add(country);
    if (seen.size >= minCountries) return true;
  }
  return false;
}
