import { defineRule } from '../rule.ts';

/**
 * An order whose billing country matches neither where the buyer is nor where
 * the goods go is the classic shape of a stolen card; an IP country that
 * matches neither billing nor shipping is weaker (travel, gifts).
 */
export const countryMismatch = defineRule({
  code: 'COUNTRY_MISMATCH',
  description: 'Order: IP, billing and shipping countries disagree',
  appliesTo: ['order'],
  defaults: { enabled: true, shadow: false, points: 20, ipOnlyPoints: 10 },
  evaluate: (event, _view, s) => {
    const order = event.order!;
    const ipCountry = event.geo?.country;
    const billingAlone = order.billingCountry !== order.shippingCountry && order.billingCountry !== ipCountry;
    const ipAlone =
      ipCountry !== undefined && ipCountry !== order.billingCountry && ipCountry !== order.shippingCountry;
    if (!billingAlone && !ipAlone) return undefined;
    const evidence = {
      ipCountry: ipCountry ?? 'unknown',
      billingCountry: order.billingCountry,
      shippingCountry: order.shippingCountry,
    };
    return billingAlone
      ? {
          message: `billing country ${order.billingCountry} matches neither shipping nor IP country`,
          evidence,
        }
      : {
          message: `IP country ${ipCountry} matches neither billing nor shipping country`,
          evidence,
          points: s.ipOnlyPoints,
        };
  },
});
