import { defineRule } from '../rule.ts';
import { distinct } from '../window.ts';

/** A subject with an established history showing up from a country it was never seen in. */
export const newCountry = defineRule({
  code: 'NEW_COUNTRY',
  description: 'First time this customer is seen from this country',
  appliesTo: ['login', 'order'],
  defaults: { enabled: true, shadow: false, points: 10, minHistory: 3 },
  evaluate: (event, view, s) => {
    const country = event.geo?.country;
    if (!event.subject || !country) return undefined;
    const located = view.observations('subject', event.subject).filter((o) => o.country && o.at <= event.at);
    if (located.length < s.minHistory) return undefined;
    const known = distinct(located, (o) => o.country);
    if (known.has(country)) return undefined;
    return {
      message: `first time this customer is seen from ${country}`,
      evidence: { country, knownCountries: [...known].sort().join(','), history: located.length },
    };
  },
});
