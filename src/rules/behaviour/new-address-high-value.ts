import { defineRule } from '../rule.ts';
import { distinct } from '../window.ts';

/** A large order shipped to an address this customer never used: a reshipping drop after a takeover. */
export const newAddressHighValue = defineRule({
  code: 'NEW_ADDRESS_HIGH_VALUE',
  description: 'High-value order to a shipping address the customer never used',
  appliesTo: ['order'],
  group: 'order-value',
  defaults: { enabled: true, shadow: false, points: 20, minHistory: 1, minAmountMinor: 25_000 },
  evaluate: (event, view, s) => {
    const order = event.order!;
    if (!event.subject || !order.address || order.amountMinor < s.minAmountMinor) return undefined;
    const orders = view
      .observations('subject', event.subject)
      .filter((o) => o.kind === 'order' && o.at <= event.at);
    if (orders.length < s.minHistory) return undefined;
    if (distinct(orders, (o) => o.address).has(order.address)) return undefined;
    return {
      message: `${(order.amountMinor / 100).toFixed(2)} ${order.currency} to a shipping address never used before`,
      evidence: { amountMinor: order.amountMinor, previousOrders: orders.length },
    };
  },
});
