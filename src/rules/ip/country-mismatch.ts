import { defineRule } from '../rule.ts';

/**
 * An order whose billing country matches neither where the buyer is nor where
 * the goods go is the classic shape of a stolen card or a taken-over account
 * shipping to a drop; an IP country that matches neither billing nor shipping
 * is weaker (travel, gifts). Either weighs more on a high-value order, where
 * honest buyers almost always bill and ship to one country.
 */
export const countryMismatch = defineRule({
  code: 'COUNTRY_MISMATCH',
  description: 'Order: IP, billing and shipping countries disagree',
  appliesTo: ['order'],
  defaults: {
    enabled: true,
    shadow: false,
    points: 20,
    ipOnlyPoints: 10,
    highValueMinor: 25_000,
    highValueExtraPoints: 20,
  },
  evaluate: (event, _view, s) => {
    const order = event.order!;
    const ipCountry = event.geo?.country;
    const billingAlone = order.billingCountry !== order.shippingCountry && order.billingCountry !== ipCountry;
    const ipAlone =
      ipCountry !== undefined && ipCountry !== order.billingCountry && ipCountry !== order.shippingCountry;
    if (!billingAlone && !ipAlone) return undefined;
    const highValue = order.amountMinor >= s.highValueMinor;
    const evidence = {
      ipCountry: ipCountry ?? 'unknown',
      billingCountry: order.billingCountry,
      shippingCountry: order.shippingCountry,
      amountMinor: order.amountMinor,
    };
    const extra = highValue ? s.highValueExtraPoints : 0;
    const onOrder = highValue ? ` on a ${(order.amountMinor / 100).toFixed(2)} ${order.currency} order` : '';
    return billingAlone
      ? {
          message: `billing country ${order.billingCountry} matches neither shipping nor IP country${onOrder}`,
          evidence,
          points: s.points + extra,
        }
      : {
          message: `IP country ${ipCountry} matches neither billing nor shipping country${onOrder}`,
          evidence,
          points: s.ipOnlyPoints + extra,
        };
  },
});
