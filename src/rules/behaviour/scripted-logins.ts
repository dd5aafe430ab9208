import type { Observation } from '../../shared/profile.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/** Where a run of attempts is counted: one client, or one account from anywhere. */
type RunSource = 'client' | 'username';

/** The attempts of a run (the event and the earlier failures, newest first) and their median gap. */
function runOf(recent: readonly Observation[], at: number): { attempts: number; medianGapMs: number } {
  const times = [at];
  for (const o of recent) if (o.outcome === 'failure') times.push(o.at);
  const gaps = times
    .slice(1)
    .map((t, i) => times[i]! - t)
    .sort((a, b) => a - b);
  return { attempts: times.length, medianGapMs: gaps[gaps.length >> 1] ?? Infinity };
}

/**
 * People type passwords; scripts submit them. A run of failed logins whose typical gap is shorter
 * than anyone retypes a password is a tool at work (a password guesser, an MFA code guesser),
 * whatever the network: a person who forgot a password takes several seconds per try. The run is
 * counted per client (browser session, or address and user agent together, `minAttempts`), and
 * per account from anywhere (`minAccountAttempts`): a guesser that rotates proxies between tries
 * is a new client each time, but three tries at one account within seconds are no one's typing.
 * The evidence grows with the length of the run (log2 of attempts), up to `maxPoints`. The shop's
 * own apps are left alone: an app may retry a stale token by itself.
 */
export const scriptedLogins = defineRule({
  code: 'SCRIPTED_LOGINS',
  description: 'Failed logins from one client or at one account faster than a person retypes a password',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    maxPoints: 60,
    pointsPerDoubling: 10,
    minAttempts: 4,
    minAccountAttempts: 3,
    maxMedianGapMs: 2000,
    windowMinutes: 10,
  },
  evaluate: (event, view, s) => {
    if (event.knownClient?.list === 'apps') return undefined;
    const sources: [RunSource, Pseudonym | undefined, number][] = [
      ['client', event.client, s.minAttempts],
      ['username', event.username, s.minAccountAttempts],
    ];
    for (const [source, id, min] of sources) {
      if (id === undefined) continue;
      const recent = recentOf(view.observations(source, id), 'login', event.at, minutes(s.windowMinutes));
      const { attempts, medianGapMs } = runOf(recent, event.at);
      if (attempts < min || medianGapMs > s.maxMedianGapMs) continue;
      const from = source === 'client' ? 'from this client' : 'at this account';
      return {
        message: `${attempts} login attempts ${from} within ${s.windowMinutes} min, a median of ${medianGapMs} ms apart`,
        evidence: { source, attempts, medianGapMs, windowMinutes: s.windowMinutes },
        points: Math.min(s.maxPoints, Math.round(s.points + s.pointsPerDoubling * Math.log2(attempts / min))),
      };
    }
    return undefined;
  },
});
