import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/** A burst of tiny orders: checking which cards work before the real purchase. */
export const smallOrderBurst = defineRule({
  code: 'SMALL_ORDER_BURST',
  description: 'Burst of very small orders from one customer or device',
  appliesTo: ['order'],
  defaults: {
    enabled: true,
    shadow: false,
    points: 30,
    windowMinutes: 30,
    minOrders: 3,
    maxAmountMinor: 500,
  },
  evaluate: (event, view, s) => {
    if (event.order!.amountMinor > s.maxAmountMinor) return undefined;
    const id = event.subject ?? event.device;
    if (!id) return undefined;
    const recent = recentOf(
      view.observations(event.subject ? 'subject' : 'device', id),
      'order',
      event.at,
      minutes(s.windowMinutes),
    );
    const small = recent.filter((o) => (o.amountMinor ?? Infinity) <= s.maxAmountMinor).length + 1;
    if (small < s.minOrders) return undefined;
    return {
      message: `${small} orders of at most ${(s.maxAmountMinor / 100).toFixed(2)} within ${s.windowMinutes} min`,
      evidence: { smallOrders: small, maxAmountMinor: s.maxAmountMinor, windowMinutes: s.windowMinutes },
    };
  },
});
