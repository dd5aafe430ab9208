import type { ProfileKind } from '../../shared/profile.ts';
import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different usernames failing from one source: a list of leaked
 * credentials being tried. The source is the address, its network, the
 * device, or the user-agent string, which a stuffing tool keeps while it
 * rotates proxies; the user agent is shared by honest customers too, so it
 * also needs a high failure ratio.
 */

export const credentialStuffing = defineRule({
  code: 'CREDENTIAL_STUFFING',
  description: 'Many distinct usernames fail to log in from one IP, network, device or user agent',
  appliesTo: ['login'],
  group: 'login-failures',
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
    const username = event.username;
    const window = minutes(s.windowMinutes);
    const minUsernames: Partial<Record<ProfileKind, number>> = {
      ip: s.minUsernames,
      device: s.minUsernames,
      network: s.minNetworkUsernames,
      userAgent: s.minUserAgentUsernames,
    };
    const sources: Source[] = [
      ['ip', event.ip.id],
      ['device', event.device],
      ['network', event.ip.network],
      ['userAgent', event.userAgent?.id],
    ];
    return firstFinding(sources, (kind, id) => {
      const recent = recentOf(view.observations(kind, id), 'login', event.at, window);
      const failed = recent.filter((o) => o.outcome === 'failure');
      const usernames = distinct(failed, (o) => o.username).add(username);
      if (usernames.size < minUsernames[kind]!) return undefined;
      const ratio = (failed.length + 1) / (recent.length + 1);
      if (kind === 'userAgent' && ratio < s.minUserAgentFailureRatio) return undefined;
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
