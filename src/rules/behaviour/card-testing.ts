import type { ProfileKind } from '../../shared/profile/model.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/** Many different cards or payment accounts from one customer, device or address: stolen cards being tried. */
export const cardTesting = defineRule({
  code: 'CARD_TESTING',
  description: 'Many distinct payment instruments from one customer, device or address',
  appliesTo: ['order'],
  defaults: { enabled: true, shadow: false, points: 45, windowMinutes: 60, minInstruments: 3 },
  evaluate: (event, view, s) => {
    const payment = event.order?.payment;
    if (!payment) return undefined;
    const sources: [ProfileKind, Pseudonym | undefined][] = [
      ['subject', event.subject],
      ['device', event.device],
      ['ip', event.ip.id],
    ];
    for (const [kind, id] of sources) {
      if (!id) continue;
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const instruments = distinct(recent, (o) => o.payment).add(payment);
      if (instruments.size < s.minInstruments) continue;
      return {
        message: `${instruments.size} different payment instruments from this ${kind === 'ip' ? 'address' : kind === 'subject' ? 'customer' : kind} within ${s.windowMinutes} min`,
        evidence: { source: kind, instruments: instruments.size, windowMinutes: s.windowMinutes },
      };
    }
    return undefined;
  },
});
