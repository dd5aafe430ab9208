import type { Observation } from '../shared/profile.ts';

/**
 * The network's earlier logins and orders were placed in `minCountries` or more countries: its
 * addresses are egress (iCloud Private Relay, a VPN's servers) that geolocation places address by
 * address, not where the customer is. A household or office network stays in one country.
 */
export function placeless(network: readonly Observation[], minCountries: number): boolean {
  const seen = new Set<string>();
  for (const o of network) {
    if (o.country !== undefined) seen.add(o.country);
    if (seen.size >= minCountries) return true;
  }
  return false;
}
