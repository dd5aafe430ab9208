import { defineRule } from '../rule.ts';

/**
 * A days-old account placing a large order: the buyer has no track record to lose. Honest new
 * customers' first orders thin out quickly above the shop's high-value mark (their amounts fall
 * off like a log-normal's tail), while a cash-out on a fresh account (a reshipping mule's, a
 * farm's) spreads over the expensive range: the evidence grows with how far above the mark the
 * order is.
 *
 * Fires on an order of at least `minAmountMinor` by an account at most `maxAccountDays` old.
 * Points: `points` at the mark, `pointsPerNat` more per e-fold of the amount above it (a €680
 * order is one e-fold above €250), up to `maxPoints`.
 */
export const newAccountHighValue = defineRule({
  code: 'NEW_ACCOUNT_HIGH_VALUE',
  description: 'A new account places a high-value order',
  appliesTo: ['order'],
  group: 'order-value',
  defaults: {
    enabled: true,
    shadow: false,
    points: 25,
    pointsPerNat: 15,
    maxPoints: 50,
    maxAccountDays: 7,
    minAmountMinor: 25_000,
  },
  evaluate: (event, _view, s) => {
    const order = event.order!;
    if (order.accountAgeDays === undefined || order.accountAgeDays > s.maxAccountDays) return undefined;
    if (order.amountMinor < s.minAmountMinor) return undefined;
    const above = Math.log(order.amountMinor / s.minAmountMinor);
    return {
      message: `account ${order.accountAgeDays} days old orders ${(order.amountMinor / 100).toFixed(2)} ${order.currency}`,
      evidence: { accountAgeDays: order.accountAgeDays, amountMinor: order.amountMinor },
      points: Math.min(s.maxPoints, Math.round(s.points + s.pointsPerNat * above)),
    };
  },
});
