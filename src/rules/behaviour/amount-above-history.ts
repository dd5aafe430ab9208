import { defineRule } from '../rule.ts';

/** An order far above what this customer usually spends. */
export const amountAboveHistory = defineRule({
  code: 'AMOUNT_ABOVE_HISTORY',
  description: "Order amount far above the customer's own history",
  appliesTo: ['order'],
  group: 'order-value',
  defaults: { enabled: true, shadow: false, points: 15, minHistory: 3, factor: 5, minAmountMinor: 20_000 },
  evaluate: (event, view, s) => {
    const amount = event.order!.amountMinor;
    if (!event.subject || amount < s.minAmountMinor) return undefined;
    const amounts = view
      .observations('subject', event.subject)
      .filter((o) => o.kind === 'order' && o.amountMinor !== undefined && o.at <= event.at)
      .map((o) => o.amountMinor!)
      .sort((a, b) => a - b);
    if (amounts.length < s.minHistory) return undefined;
    const median = amounts[amounts.length >> 1]!;
    if (amount < median * s.factor) return undefined;
    return {
      message: `order of ${(amount / 100).toFixed(2)} is ${(amount / Math.max(median, 1)).toFixed(1)}x this customer's median`,
      evidence: { amountMinor: amount, medianAmountMinor: median, history: amounts.length },
    };
  },
});
