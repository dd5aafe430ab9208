import { defineRule, minutes } from '../rule.ts';
import { isFreshOrder, linkPoints, otherAccounts, strangerAccounts } from '../links.ts';
import { recentOf } from '../window.ts';

/**
 * A reshipping drop: one shipping address receiving valuable orders from many accounts, new or
 * taken over, over days. A household ships to its address too, but its valuable orders are few
 * and come from its own line; a mule's address collects accounts that share nothing else, each
 * ordering from another network.
 *
 * Fires on an order of at least `minAmountMinor` when other accounts ordered at least as much
 * to the same address within `windowDays`, from networks other than this order's (or from this
 * one, once more than `householdAccounts` did, or from the first on a hosting network). Points:
 * `points` for one such account, growing with the log of their number up to `maxPoints`, and
 * `newAddressPoints` more when this account never shipped to the address before: a mule's
 * address is new to every account that ships to it, a household's is where its members keep
 * shipping. New accounts count from the first; established ones only beyond `giftCircle` of them
 * (relatives sending presents to one home), unless this account is new itself: an account opened
 * days ago that sends valuables where other households' accounts do is a mule's next buyer, not a
 * relative with a shopping history here.
 */
export const reshipping = defineRule({
  code: 'RESHIPPING',
  description: 'One shipping address receives valuable orders from many accounts on other networks',
  appliesTo: ['order'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 25,
    pointsPerLogAccount: 22,
    newAddressPoints: 15,
    maxPoints: 80,
    windowDays: 14,
    minAmountMinor: 20_000,
    newAccountDays: 7,
    householdAccounts: 3,
    giftCircle: 3,
  },
  evaluate: (event, view, s) => {
    const order = event.order!;
    const subject = event.subject;
    if (!subject || !order.address || order.amountMinor < s.minAmountMinor) return undefined;
    const window = minutes(s.windowDays * 1440);
    const recent = recentOf(view.observations('address', order.address), 'order', event.at, window);
    const others = strangerAccounts(
      recent,
      { subject, network: event.ip.network, hosting: event.hosting !== undefined },
      s.householdAccounts,
      (o) => (o.amountMinor ?? 0) >= s.minAmountMinor,
    );
    if (others.size === 0) return undefined;
    const fresh = otherAccounts(
      recent,
      subject,
      (o) => others.has(o.subject!) && isFreshOrder(o, s.newAccountDays),
    );
    // Relatives send presents to one home: established accounts count only beyond such a circle.
    const established = others.size - fresh.size;
    const newHere = order.accountAgeDays !== undefined && order.accountAgeDays <= s.newAccountDays;
    const suspicious = fresh.size + (newHere ? established : Math.max(0, established - s.giftCircle));
    if (suspicious === 0) return undefined;
    const newAddress = !view
      .observations('subject', subject)
      .some((o) => o.kind === 'order' && o.address === order.address);
    return {
      message: `${others.size + 1} accounts (${fresh.size} of the others new${newHere ? ', this one too' : ''}) sent valuable orders to this address within ${s.windowDays} days${newAddress ? ', this one for the first time' : ''}`,
      evidence: {
        accounts: others.size + 1,
        newAccounts: fresh.size,
        thisAccountNew: newHere,
        newAddress,
        windowDays: s.windowDays,
      },
      points: Math.min(s.maxPoints, linkPoints(suspicious, s) + (newAddress ? s.newAddressPoints : 0)),
    };
  },
});
