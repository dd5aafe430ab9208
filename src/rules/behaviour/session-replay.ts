import type { Observation } from '../../shared/profile.ts';
import { defineRule, minutes } from '../rule.ts';

/** The first observation of a session within the window (`history` oldest first). */
function originOf(history: readonly Observation[], from: number, at: number): Observation | undefined {
  for (const o of history) {
    if (o.at > at) return undefined;
    if (o.at >= from) return o;
  }
  return undefined;
}

/**
 * A stolen session cookie replayed (MITRE ATT&CK T1550.004, web session cookie; infostealers take
 * whole cookie jars, T1539): the session id is the victim's, already signed in, so there is no
 * login to judge and no new device when the device cookie came along. What gives it away is that
 * one browser session moves to another browser and another network at once: a phone changes
 * networks and a laptop goes from home to the office, with the same browser; a browser update
 * changes its user agent, on the same network. Compared with the session's first event within
 * `windowMinutes`, so each event costs one comparison. An attacker whose browser copies the
 * victim's user agent too shows only the network change, which honest sessions make as well:
 * that is left to the rest of the sequence. It carries the session's takeover forward, as
 * CARRIED_SUSPICION does, and shares its group.
 */
export const sessionReplay = defineRule({
  code: 'SESSION_REPLAY',
  description: 'A session continued from another browser on another network: its cookie was replayed',
  appliesTo: ['login', 'browse', 'order'],
  group: 'shared-source',
  defaults: { enabled: true, shadow: false, points: 50, windowMinutes: 1440 },
  evaluate: (event, view, s) => {
    if (event.sessionless || !event.userAgent || event.knownClient) return undefined;
    const origin = originOf(
      view.observations('client', event.client),
      event.at - minutes(s.windowMinutes),
      event.at,
    );
    if (!origin?.userAgent || origin.userAgent === event.userAgent.id || origin.network === event.ip.network)
      return undefined;
    const minutesSince = Math.round((event.at - origin.at) / 60_000);
    return {
      message: `this session began ${minutesSince} min earlier in another browser on another network: its cookie was replayed`,
      evidence: { minutesSinceStart: minutesSince, signedIn: event.subject !== undefined },
    };
  },
});
