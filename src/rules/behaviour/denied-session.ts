import { defineRule, minutes } from '../rule.ts';

/**
 * What follows a denied event in the same browser session (or, without one,
 * from the same address and user agent) is the same actor: a taken-over
 * account browsing to its address book, a bot's next page. Only a deny is
 * inherited, not a review, so that an honest customer whose login merely
 * looked unusual (a traveller) does not have a whole visit flagged.
 */
export const deniedSession = defineRule({
  code: 'DENIED_SESSION',
  description: 'The same session had an event denied shortly before',
  appliesTo: ['login', 'browse', 'order'],
  defaults: { enabled: true, shadow: false, points: 40, windowMinutes: 30 },
  evaluate: (event, view, s) => {
    const from = event.at - minutes(s.windowMinutes);
    const history = view.observations('client', event.client);
    for (let i = history.length - 1; i >= 0; i--) {
      const o = history[i]!;
      if (o.at > event.at) continue;
      if (o.at < from) break;
      if (o.denied) {
        return {
          message: `this session had an event denied ${Math.round((event.at - o.at) / 1000)} s earlier`,
          evidence: {
            secondsSinceDenied: Math.round((event.at - o.at) / 1000),
            windowMinutes: s.windowMinutes,
          },
        };
      }
    }
    return undefined;
  },
});
