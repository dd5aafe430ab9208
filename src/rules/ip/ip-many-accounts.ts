import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different accounts trying to log in from one address, or from its
 * /24 (/48) network, within a short window. Offices and mobile carriers put
 * dozens of honest customers behind one address over a day, so the window is
 * short and the bar high, higher still for a whole network.
 */
export const ipManyAccounts = defineRule({
  code: 'IP_MANY_ACCOUNTS',
  description: 'Many distinct usernames log in from one IP address or network in a short window',
  appliesTo: ['login'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 20,
    windowMinutes: 10,
    minAccounts: 8,
    minNetworkAccounts: 16,
  },
  evaluate: (event, view, s) => {
    const sources: Source[] = [
      ['ip', event.ip.id],
      ['network', event.ip.network],
    ];
    return firstFinding(sources, (kind, id) => {
      const recent = recentOf(view.observations(kind, id), 'login', event.at, minutes(s.windowMinutes));
      const accounts = distinct(recent, (o) => o.username);
      if (event.username) accounts.add(event.username);
      if (accounts.size < (kind === 'ip' ? s.minAccounts : s.minNetworkAccounts)) return undefined;
      return {
        message: `${accounts.size} usernames tried to log in from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes} min`,
        evidence: { source: kind, usernames: accounts.size, windowMinutes: s.windowMinutes },
      };
    });
  },
});
