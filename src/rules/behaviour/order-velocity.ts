import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/** Many orders by one customer in a short time: a taken-over account being cashed out. */
export const orderVelocity = defineRule({
  code: 'ORDER_VELOCITY',
  description: 'Many orders by one customer in a short window',
  appliesTo: ['order'],
  group: 'order-burst',
  defaults: { enabled: true, shadow: false, points: 40, windowMinutes: 60, minOrders: 3 },
  evaluate: (event, view, s) => {
    if (!event.subject) return undefined;
    const orders =
      recentOf(view.observations('subject', event.subject), 'order', event.at, minutes(s.windowMinutes))
        .length + 1;
    if (orders < s.minOrders) return undefined;
    return {
      message: `${orders} orders by this customer within ${s.windowMinutes} min`,
      evidence: { orders, windowMinutes: s.windowMinutes },
    };
  },
});
