import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
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
  group: 'order-burst',
  defaults: { enabled: true, shadow: false, points: 45, windowMinutes: 60, minInstruments: 3 },
  evaluate: (event, view, s) => {
    const payment = event.order?.payment;
    if (!payment) return undefined;
    const sources: Source[] = [
      ['subject', event.subject],
      ['device', event.device],
    ];
    return firstFinding(sources, (kind, id) => {
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const instruments = distinct(recent, (o) => o.payment).add(payment);
      if (instruments.size < s.minInstruments) return undefined;
      return {
        message: `${instruments.size} different payment instruments from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes} min`,
        evidence: { source: kind, instruments: instruments.size, windowMinutes: s.windowMinutes },
      };
    });
  },
});
