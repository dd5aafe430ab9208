import type { EventFacts } from '../../shared/facts.ts';
import { type Finding, type ProfileView, defineRule, minutes } from '../rule.ts';
import {
  failureInWave,
  otherFailedUsernames,
  ownSource,
  strongestWave,
  waveEvidence,
  waveMessage,
} from '../waves.ts';
import { recentOf } from '../window.ts';

const DEFAULTS = {
  enabled: true,
  shadow: false,
  points: 40,
  recentMinutes: 15,
  baselineHours: 24,
  minHourLogins: 20,
  minWaveFailures: 3,
  minSignificance: 8,
  burstSeconds: 120,
  minBurstFailures: 2,
  minBurstSignificance: 4,
  retryMinutes: 15,
  ownDeviceMinutes: 60,
  ownDeviceAccounts: 3,
  strangerNats: 1,
  hitWindowMinutes: 30,
  minOtherUsernames: 2,
  pointsPerNat: 10,
  maxPoints: 60,
};

/**
 * Credential stuffing spread over residential proxies (OWASP OAT-008): one to three attempts per
 * address, so no address, network or user agent stands out; the shop does, its share of logins
 * for usernames that do not exist rising far above its own baseline, in the whole shop (over a
 * quarter of an hour, or a burst of other clients' within two minutes) or in one slice
 * of it (login method, autonomous system, browser family; src/rules/waves.ts).
 *
 * A failed login is flagged when it fits such a wave and is neither one person retrying (the
 * session's second try of the same account) nor the account's owner (a device or network it
 * signed in from): points are the log odds that a failure of that slice is the wave's, plus
 * `strangerNats`. A wrong password counts here while a wave of unknown usernames is on (the
 * combo list's few real accounts) and is PASSWORD_SPRAYING's otherwise. The successful login of
 * the wave (a hit) is flagged when the session failed for other usernames just before:
 * `minOtherUsernames` of them on their own, one during a wave lasting minutes, not a burst (a
 * mistyped username, then the right one, is not a hit; two customers doing so within a minute
 * happens).
 */
export const stuffingWave = defineRule({
  code: 'RESIDENTIAL_STUFFING',
  description: 'Login in a shop-wide surge of unknown-username failures, from a client new to the account',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: DEFAULTS,
  evaluate: (event, view, s) => {
    const login = event.login;
    if (!login || !event.username) return undefined;
    if (login.outcome === 'success') return hit(event, view, s);
    if (login.failureReason === 'bad_password') {
      if (!strongestWave(event, view, 'unknownUser', s)) return undefined;
    } else if (login.failureReason !== 'unknown_user') return undefined;
    const counter = login.failureReason === 'unknown_user' ? 'unknownUser' : 'wrongPassword';
    const found = failureInWave(event, view, counter, s);
    return (
      found && { message: waveMessage(found.wave), evidence: waveEvidence(found.wave), points: found.points }
    );
  },
});

/** The successful login of a client that just failed for other usernames (in a wave, or for several). */
function hit(event: EventFacts, view: ProfileView, s: typeof DEFAULTS): Finding | undefined {
  const client = recentOf(
    view.observations('client', event.client),
    'login',
    event.at,
    minutes(s.hitWindowMinutes),
  );
  const others = otherFailedUsernames(client, event.username!);
  if (others === 0) return undefined;
  // One mistyped username, then the right one from a device or network the account signs in
  // from: its owner, wave or not.
  if (
    others < s.minOtherUsernames &&
    ownSource(view.observations('username', event.username!), event.device, event.ip.network)
  )
    return undefined;
  // Not a burst: two customers mistyping their username within a minute happens, and each then
  // signs in with the right one.
  const wave = strongestWave(event, view, 'unknownUser', { ...s, minBurstFailures: Infinity });
  if (others < s.minOtherUsernames && !wave) return undefined;
  const nats = (wave?.oddsNats ?? 0) + Math.log(others + 1) + s.strangerNats;
  return {
    message: `login succeeded from a client that just failed for ${others} other username(s)${wave ? ' during a wave' : ''}`,
    evidence: { otherUsernames: others, ...(wave ? waveEvidence(wave) : {}) },
    points: Math.min(s.maxPoints, Math.round(nats * s.pointsPerNat)),
  };
}
