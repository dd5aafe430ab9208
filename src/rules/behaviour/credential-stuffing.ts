import type { ProfileKind } from '../../shared/profile/model.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different usernames failing from one source: a list of leaked
 * credentials being tried. The source is the address, its network, the
 * device, or the user-agent string, which a stuffing tool keeps while it
 * rotates proxies; the user agent is shared by honest customers too, so it
 * also needs a high failure ratio.
 */
const SOURCE_NAMES: Partial<Record<ProfileKind, string>> = {
  ip: 'address',
  network: 'network',
  device: 'device',
  userAgent: 'user agent',
};

export const credentialStuffing = defineRule({
  code: 'CREDENTIAL_STUFFING',
  description: 'Many distinct usernames fail to log in from one IP, network, device or user agent',
  appliesTo: ['login'],
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    windowMinutes: 60,
    minUsernames: 3,
    minNetworkUsernames: 5,
    minUserAgentUsernames: 6,
    minUserAgentFailureRatio: 0.5,
  },
  evaluate: (event, view, s) => {
    if (event.login?.outcome !== 'failure' || !event.username) return undefined;
    const window = minutes(s.windowMinutes);
    const sources: [ProfileKind, Pseudonym | undefined, number][] = [
      ['ip', event.ip.id, s.minUsernames],
      ['device', event.device, s.minUsernames],
      ['network', event.ip.network, s.minNetworkUsernames],
      ['userAgent', event.userAgent?.id, s.minUserAgentUsernames],
    ];
    for (const [kind, id, min] of sources) {
      if (!id) continue;
      const recent = recentOf(view.observations(kind, id), 'login', event.at, window);
      const failed = recent.filter((o) => o.outcome === 'failure');
      const usernames = distinct(failed, (o) => o.username).add(event.username);
      if (usernames.size < min) continue;
      const ratio = (failed.length + 1) / (recent.length + 1);
      if (kind === 'userAgent' && ratio < s.minUserAgentFailureRatio) continue;
      return {
        message: `${usernames.size} different usernames failed from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes} min`,
        evidence: {
          source: kind,
          usernames: usernames.size,
          failureRatio: Number(ratio.toFixed(2)),
          windowMinutes: s.windowMinutes,
        },
      };
    }
    return undefined;
  },
});
