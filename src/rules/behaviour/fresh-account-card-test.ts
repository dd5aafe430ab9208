import { defineRule } from '../rule.ts';

/**
 * A card test by a throw-away account: opened today or yesterday, it places a small order on a
 * card the shop has never seen, to learn whether the stolen card works before it is sold or used
 * for a real purchase. It is the first account of a ring too, before any other account shares
 * its device, card or drop address (CARD_TESTING_FRESH_ACCOUNTS links those). An honest new
 * customer's first order is rarely that small, is often paid otherwise (iDEAL, PayPal: no card to
 * test), and a family member's new account paying with a parent's card pays with a card the shop
 * knows.
 *
 * Fires on a card order of at most `maxAmountMinor` by an account at most `maxAccountDays` old
 * (age known, from the producer) on a card with no earlier order at this shop within the
 * retention. Points: `points`, in the order-burst group with the other card-testing rules.
 */
export const freshAccountCardTest = defineRule({
  code: 'FRESH_ACCOUNT_CARD_TEST',
  description: 'A days-old account places a small order on a card the shop never saw',
  appliesTo: ['order'],
  group: 'order-burst',
  defaults: { enabled: true, shadow: false, points: 40, maxAccountDays: 1, maxAmountMinor: 1_000 },
  evaluate: (event, view, s) => {
    const order = event.order!;
    if (order.paymentMethod !== 'card' || !order.payment || order.amountMinor > s.maxAmountMinor)
      return undefined;
    if (order.accountAgeDays === undefined || order.accountAgeDays > s.maxAccountDays) return undefined;
    if (view.observations('payment', order.payment).length > 0) return undefined;
    return {
      message: `account ${order.accountAgeDays} days old orders ${(order.amountMinor / 100).toFixed(2)} ${order.currency} on a card never seen at this shop`,
      evidence: {
        accountAgeDays: order.accountAgeDays,
        amountMinor: order.amountMinor,
        earlierOrdersOnCard: 0,
      },
    };
  },
});
