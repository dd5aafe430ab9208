import type { GlobalBucket } from '../../shared/profile.ts';
import { defineRule, minutes } from '../rule.ts';

/**
 * Low-and-slow credential stuffing spreads its attempts over so many addresses
 * that no single source stands out; what stands out is the shop as a whole
 * seeing far more logins for usernames that do not exist than it usually does.
 * Compares the recent share of unknown-username failures with the baseline of
 * the preceding day.
 */
export const failureSurge = defineRule({
  code: 'UNKNOWN_USER_SURGE',
  description: 'Shop-wide surge of logins for unknown usernames (low-and-slow stuffing)',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 25,
    recentMinutes: 60,
    baselineHours: 24,
    minRecentUnknown: 10,
    minRatio: 4,
  },
  evaluate: (event, view, s) => {
    if (event.login?.failureReason !== 'unknown_user') return undefined;
    const recentFrom = event.at - minutes(s.recentMinutes);
    const baselineFrom = recentFrom - minutes(s.baselineHours * 60);
    const recent = { logins: 0, unknown: 0 };
    const baseline = { logins: 0, unknown: 0 };
    const add = (into: typeof recent, b: GlobalBucket) => {
      into.logins += b.logins;
      into.unknown += b.unknownUserFailures;
    };
    for (const b of view.global.buckets) {
      if (b.start > event.at) continue;
      if (b.start >= recentFrom) add(recent, b);
      else if (b.start >= baselineFrom) add(baseline, b);
    }
    if (recent.unknown < s.minRecentUnknown) return undefined;
    // Laplace-smoothed shares, so an empty baseline does not divide by zero.
    const recentShare = (recent.unknown + 1) / (recent.logins + 2);
    const baselineShare = (baseline.unknown + 1) / (baseline.logins + 2);
    const ratio = recentShare / baselineShare;
    if (ratio < s.minRatio) return undefined;
    return {
      message: `unknown-username logins are ${ratio.toFixed(1)}x their usual share over the last ${s.recentMinutes} min`,
      evidence: {
        recentUnknown: recent.unknown,
        recentLogins: recent.logins,
        recentShare: Number(recentShare.toFixed(3)),
        baselineShare: Number(baselineShare.toFixed(3)),
      },
    };
  },
});
