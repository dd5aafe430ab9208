import { defineRule, minutes } from '../rule.ts';

/**
 * The rest of a session whose login or order was linked to a ring of accounts (another new
 * account's device, card or drop address, with at least `minLinkPoints` points: the pipeline
 * marks the observation `ring`): its pages, checkout and orders are the same actor's. A ring account lives a few
 * minutes (login, a product, checkout, an order), so without this only one event of it is ever
 * scored. Only a link inherits, not any review: an honest customer whose login merely looked
 * unusual keeps an unflagged visit.
 *
 * Fires on an event of the session (the browser session, else the address and user agent) within
 * `windowMinutes` of a `ring` observation. Points: `points`, in the shared-source group, so an
 * order that is linked again counts its link once.
 */
export const ringSession = defineRule({
  code: 'RING_SESSION',
  description: 'The same session was linked to other new accounts shortly before',
  appliesTo: ['login', 'browse', 'order'],
  group: 'shared-source',
  defaults: { enabled: true, shadow: false, points: 40, windowMinutes: 60, minLinkPoints: 40 },
  evaluate: (event, view, s) => {
    const from = event.at - minutes(s.windowMinutes);
    const history = view.observations('client', event.client);
    for (let i = history.length - 1; i >= 0; i--) {
      const o = history[i]!;
      if (o.at > event.at) continue;
      if (o.at < from) break;
      if (o.ring) {
        const seconds = Math.round((event.at - o.at) / 1000);
        return {
          message: `this session was linked to other new accounts ${seconds} s earlier`,
          evidence: { secondsSinceLinked: seconds, windowMinutes: s.windowMinutes },
        };
      }
    }
    return undefined;
  },
});
