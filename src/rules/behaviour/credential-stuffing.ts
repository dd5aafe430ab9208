import type { ProfileKind } from '../../shared/profile.ts';
import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different usernames failing from one source: a list of leaked
 * credentials being tried. The source is the address, its network or the
 * device. A user-agent string is no source: the more customers a shop has,
 * the more honest typos any popular browser string collects, so a count per
 * string flags more the bigger the shop. A wave spread over addresses and
 * user agents is RESIDENTIAL_STUFFING's, against the baselines of the
 * user-agent family and autonomous system.
 */

export const credentialStuffing = defineRule({
  code: 'CREDENTIAL_STUFFING',
  description: 'Many distinct usernames fail to log in from one IP, network or device',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    windowMinutes: 60,
    minUsernames: 3,
    minNetworkUsernames: 5,
  },
  evaluate: (event, view, s) => {
    if (event.login?.outcome !== 'failure' || !event.username) return undefined;
    const username = event.username;
    const window = minutes(s.windowMinutes);
    const minUsernames: Partial<Record<ProfileKind, number>> = {
      ip: s.minUsernames,
      device: s.minUsernames,
      network: s.minNetworkUsernames,
    };
    const sources: Source[] = [
      ['ip', event.ip.id],
      ['device', event.device],
      ['network', event.ip.network],
    ];
    return firstFinding(sources, (kind, id) => {
      const recent = recentOf(view.observations(kind, id), 'login', event.at, window);
      const failed = recent.filter((o) => o.outcome === 'failure');
      const usernames = distinct(failed, (o) => o.username).add(username);
      if (usernames.size < minUsernames[kind]!) return undefined;
      const ratio = (failed.length + 1) / (recent.length + 1);
      return {
        message: `${usernames.size} different usernames failed from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes} min`,
        evidence: {
          source: kind,
          usernames: usernames.size,
          failureRatio: Number(ratio.toFixed(2)),
          windowMinutes: s.windowMinutes,
        },
      };
    });
  },
});
