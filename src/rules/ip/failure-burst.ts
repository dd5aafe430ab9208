import { defineRule, minutes } from '../rule.ts';
import { distinct, failures, recentOf } from '../window.ts';

/**
 * A burst of failed logins from one address or its network, whatever the usernames, as long as
 * there are at least two: failures for one account alone are its owner retrying or a guess at
 * that account, which BRUTE_FORCE weighs.
 */
export const failureBurst = defineRule({
  code: 'FAILURE_BURST',
  description: 'Burst of failed logins from one IP address or network',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 25,
    windowMinutes: 10,
    minIpFailures: 8,
    minNetworkFailures: 15,
  },
  evaluate: (event, view, s) => {
    const window = minutes(s.windowMinutes);
    const self = event.login?.outcome === 'failure' ? 1 : 0;
    const count = (kind: 'ip' | 'network', id: typeof event.ip.id) => {
      const failed = failures(recentOf(view.observations(kind, id), 'login', event.at, window));
      const accounts = distinct(failed, (o) => o.username);
      if (event.username && self) accounts.add(event.username);
      return accounts.size < 2 ? 0 : failed.length + self;
    };
    const ipFailures = count('ip', event.ip.id);
    const networkFailures = ipFailures >= s.minIpFailures ? 0 : count('network', event.ip.network);
    if (ipFailures < s.minIpFailures && networkFailures < s.minNetworkFailures) return undefined;
    const [scope, n] = ipFailures >= s.minIpFailures ? ['address', ipFailures] : ['network', networkFailures];
    return {
      message: `${n} failed logins from this ${scope} within ${s.windowMinutes} min`,
      evidence: { scope, failures: n, windowMinutes: s.windowMinutes },
    };
  },
});
