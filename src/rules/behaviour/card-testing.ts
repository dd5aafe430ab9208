import type { ProfileKind } from '../../shared/profile/model.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Many different cards or payment accounts from one customer or device: stolen
 * cards being tried. Not per address: an office or a mobile carrier puts many
 * honest buyers, each with their own card, behind one address.
 */
export const cardTesting = defineRule({
  code: 'CARD_TESTING',
  description: 'Many distinct payment instruments from one customer or device',
  appliesTo: ['order'],
  defaults: { enabled: true, shadow: false, points: 45, windowMinutes: 60, minInstruments: 3 },
  evaluate: (event, view, s) => {
    const payment = event.order?.payment;
    if (!payment) return undefined;
    const sources: [ProfileKind, Pseudonym | undefined][] = [
      ['subject', event.subject],
      ['device', event.device],
    ];
    for (const [kind, id] of sources) {
      if (!id) continue;
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const instruments = distinct(recent, (o) => o.payment).add(payment);
      if (instruments.size < s.minInstruments) continue;
      return {
        message: `${instruments.size} different payment instruments from this ${kind === 'subject' ? 'customer' : kind} within ${s.windowMinutes} min`,
        evidence: { source: kind, instruments: instruments.size, windowMinutes: s.windowMinutes },
      };
    }
    return undefined;
  },
});
