import { defineRule } from '../rule.ts';
import { distinct } from '../window.ts';

/**
 * An order from a country this customer, with an established history, was
 * never seen in. Logins are left to LOGIN_RISK, which weighs the country
 * against the customer's history and the shop's whole clientele: scoring the
 * same evidence twice would double-punish every traveller.
 */
export const newCountry = defineRule({
  code: 'NEW_COUNTRY',
  description: 'First order of this customer from this country',
  appliesTo: ['order'],
  group: 'unfamiliar-login',
  defaults: { enabled: true, shadow: false, points: 10, minHistory: 3 },
  evaluate: (event, view, s) => {
    const country = event.geo?.country;
    if (!event.subject || !country) return undefined;
    const located = view.observations('subject', event.subject).filter((o) => o.country && o.at <= event.at);
    if (located.length < s.minHistory) return undefined;
    const known = distinct(located, (o) => o.country);
    if (known.has(country)) return undefined;
    return {
      message: `first order of this customer from ${country}`,
      evidence: { country, knownCountries: [...known].sort().join(','), history: located.length },
    };
  },
});
