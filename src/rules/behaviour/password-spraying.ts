import type { Observation } from '../../shared/profile.ts';
import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { failureInWave, strongestWave, waveEvidence, waveMessage } from '../waves.ts';
import { recentOf } from '../window.ts';

/**
 * Password spraying (MITRE ATT&CK T1110.003): one or two common passwords against many accounts
 * that exist, one try per account per round so that none locks. Unlike credential stuffing the
 * usernames are real: the failures are wrong passwords, spread over many accounts.
 *
 * Seen from a source (address, network, device, session): wrong passwords for at least
 * `minAccounts` accounts within the window, about one try each, few unknown usernames; points grow
 * with the log of the number of accounts. Seen shop-wide, when the sources are many: a wrong
 * password that fits a wave of failures (src/rules/waves.ts) and is the client's first try of
 * the account. A successful login from a source that sprayed (a hit) is flagged too.
 */
export const passwordSpraying = defineRule({
  code: 'PASSWORD_SPRAYING',
  description: 'Wrong passwords for many existing accounts, about one try each, from a source or shop-wide',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    windowMinutes: 60,
    minAccounts: 3,
    maxTriesPerAccount: 1.5,
    maxUnknownShare: 0.5,
    minFailureShare: 0.5,
    pointsPerNat: 10,
    maxPoints: 70,
    recentMinutes: 15,
    baselineHours: 24,
    minHourLogins: 20,
    minWaveFailures: 3,
    minSignificance: 6,
    burstSeconds: 120,
    minBurstFailures: 2,
    minBurstSignificance: 4,
    retryMinutes: 15,
    ownDeviceMinutes: 60,
    ownDeviceAccounts: 3,
    strangerNats: 1,
  },
  evaluate: (event, view, s) => {
    const login = event.login;
    if (!login || !event.username) return undefined;
    const hit = login.outcome === 'success';
    if (!hit && login.failureReason !== 'bad_password') return undefined;
    const username = event.username;
    const window = minutes(s.windowMinutes);
    // Not the network: at scale, customers of one ISP block mistype passwords within the hour.
    const sources: Source[] = [
      ['ip', event.ip.id],
      ['client', event.client],
      ['device', event.device],
    ];
    const fromSource = firstFinding(sources, (kind, id) => {
      const spray = sprayOf(recentOf(view.observations(kind, id), 'login', event.at, window), username, hit);
      if (spray.accounts < s.minAccounts) return undefined;
      if (spray.triesPerAccount > s.maxTriesPerAccount || spray.unknownShare > s.maxUnknownShare)
        return undefined;
      // An office or campus address signs in many people: a sprayer's mostly fails.
      if (spray.failureShare < s.minFailureShare) return undefined;
      return {
        message: `wrong passwords for ${spray.accounts} accounts from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes} min${hit ? ', then this login succeeded' : ''}`,
        evidence: {
          source: kind,
          accounts: spray.accounts,
          triesPerAccount: Number(spray.triesPerAccount.toFixed(2)),
          windowMinutes: s.windowMinutes,
        },
        points: Math.min(
          s.maxPoints,
          s.points + Math.round(Math.log(spray.accounts / s.minAccounts) * s.pointsPerNat),
        ),
      };
    });
    if (fromSource || hit) return fromSource;
    // Wrong passwords in a wave of unknown usernames are credential stuffing's (RESIDENTIAL_STUFFING).
    if (strongestWave(event, view, 'unknownUser', s)) return undefined;
    const found = failureInWave(event, view, 'wrongPassword', s);
    return (
      found && { message: waveMessage(found.wave), evidence: waveEvidence(found.wave), points: found.points }
    );
  },
});

/**
 * A source's recent failures as a spray: how many other accounts got a wrong password (with this
 * one, unless it is a hit), tries per account, and the share of unknown usernames.
 */
function sprayOf(
  logins: readonly Observation[],
  username: string,
  hit: boolean,
): { accounts: number; triesPerAccount: number; unknownShare: number; failureShare: number } {
  const accounts = new Set<string>();
  let wrong = 0;
  let unknown = 0;
  let successes = hit ? 1 : 0;
  for (const o of logins) {
    if (o.outcome !== 'failure') {
      successes++;
      continue;
    }
    if (o.failureReason === 'unknown_user') unknown++;
    else if (o.failureReason === 'bad_password' && o.username && !(hit && o.username === username)) {
      wrong++;
      accounts.add(o.username);
    }
  }
  if (!hit) {
    wrong++;
    accounts.add(username);
  }
  return {
    accounts: accounts.size,
    triesPerAccount: accounts.size === 0 ? 0 : wrong / accounts.size,
    unknownShare: unknown / Math.max(1, unknown + wrong),
    failureShare: (unknown + wrong) / Math.max(1, unknown + wrong + successes),
  };
}
