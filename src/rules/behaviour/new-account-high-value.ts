import { defineRule } from '../rule.ts';

/** A days-old account placing a large order: the buyer has no track record to lose. */
export const newAccountHighValue = defineRule({
  code: 'NEW_ACCOUNT_HIGH_VALUE',
  description: 'A new account places a high-value order',
  appliesTo: ['order'],
  group: 'order-value',
  defaults: { enabled: true, shadow: false, points: 25, maxAccountDays: 7, minAmountMinor: 25_000 },
  evaluate: (event, _view, s) => {
    const order = event.order!;
    if (order.accountAgeDays === undefined || order.accountAgeDays > s.maxAccountDays) return undefined;
    if (order.amountMinor < s.minAmountMinor) return undefined;
    return {
      message: `account ${order.accountAgeDays} days old orders ${(order.amountMinor / 100).toFixed(2)} ${order.currency}`,
      evidence: { accountAgeDays: order.accountAgeDays, amountMinor: order.amountMinor },
    };
  },
});
