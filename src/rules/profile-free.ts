import type { DetectionConfig } from './config.ts';
import type { ProfileSnapshot } from '../shared/profile.ts';

/**
 * The rules that read no stored profile: they judge the event's own facts (address range and
 * network, countries, account age and amount, user agent). They are what is left when profiles
 * cannot be used: the score endpoint's degraded answer (the store is slow or down), and the
 * events of a customer who objected to profiling or restricted it. Every other rule looks at
 * stored history, and an empty history would make some of them fire wrongly (a "new" address or
 * device) or not at all: they are left out. A test checks both ways against the ruleset.
 */
export const PROFILE_FREE_RULES: ReadonlySet<string> = new Set([
  'HOSTING_NETWORK',
  'NON_PUBLIC_IP',
  'COUNTRY_MISMATCH',
  'NEW_ACCOUNT_HIGH_VALUE',
  'BOT_USER_AGENT',
  'FAKE_CRAWLER',
  'KNOWN_CLIENT',
]);

/** A snapshot with nothing stored, for the rules that need none. */
export const NO_PROFILES: ProfileSnapshot = { profiles: new Map(), global: { buckets: [] } };

const profileFreeConfigs = new WeakMap<DetectionConfig, DetectionConfig>();

/**
 * The configuration with every rule that needs a profile disabled (same ruleset version).
 *
 * @example
 * ```ts
 * const decision = decide(facts, NO_PROFILES, profileFreeConfig(config));
 * ```
 */
export function profileFreeConfig(config: DetectionConfig): DetectionConfig {
  let free = profileFreeConfigs.get(config);
  if (!free) {
    const rules = Object.fromEntries(
      Object.entries(config.rules).map(([code, s]) => [
        code,
        { ...s, enabled: s.enabled && PROFILE_FREE_RULES.has(code) },
      ]),
    );
    free = { ...config, rules };
    profileFreeConfigs.set(config, free);
  }
  return free;
}
