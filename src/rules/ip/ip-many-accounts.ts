import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different accounts trying to log in from one address within a short
 * window. Offices and mobile carriers put dozens of honest customers behind
 * one address over a day, so the window is short and the bar high.
 */
export const ipManyAccounts = defineRule({
  code: 'IP_MANY_ACCOUNTS',
  description: 'Many distinct usernames log in from one IP address in a short window',
  appliesTo: ['login'],
  defaults: { enabled: true, shadow: false, points: 20, windowMinutes: 10, minAccounts: 8 },
  evaluate: (event, view, s) => {
    const recent = recentOf(
      view.observations('ip', event.ip.id),
      'login',
      event.at,
      minutes(s.windowMinutes),
    );
    const accounts = distinct(recent, (o) => o.username);
    if (event.username) accounts.add(event.username);
    if (accounts.size < s.minAccounts) return undefined;
    return {
      message: `${accounts.size} usernames tried to log in from this address within ${s.windowMinutes} min`,
      evidence: { usernames: accounts.size, windowMinutes: s.windowMinutes },
    };
  },
});
