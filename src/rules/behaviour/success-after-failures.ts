import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/** A successful login right after a streak of failures on the same account: a guess that worked. */
export const successAfterFailures = defineRule({
  code: 'SUCCESS_AFTER_FAILURES',
  description: 'Successful login right after a streak of failed logins on the account',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: { enabled: true, shadow: false, points: 40, windowMinutes: 60, minFailures: 10 },
  evaluate: (event, view, s) => {
    if (event.login?.outcome !== 'success' || !event.username) return undefined;
    const recent = recentOf(
      view.observations('username', event.username),
      'login',
      event.at,
      minutes(s.windowMinutes),
    );
    let streak = 0;
    for (const o of recent) {
      if (o.outcome !== 'failure') break;
      streak++;
    }
    if (streak < s.minFailures) return undefined;
    return {
      message: `login succeeded after ${streak} consecutive failures`,
      evidence: { failures: streak, windowMinutes: s.windowMinutes },
    };
  },
});
