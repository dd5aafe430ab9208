import type { ProfileKind } from '../../shared/profile.ts';
import type { SubjectPseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { isFreshOrder, linkPoints, otherAccounts } from '../links.ts';
import { recentOf } from '../window.ts';

/**
 * Card testing spread over fresh accounts: each new account places one small order on a card of
 * its own, so no account or device shows many cards (what CARD_TESTING looks for); what they
 * share is the drop address the goods go to, a device or a client address. An honest new customer's
 * first small order links to no other new account's small order on another card.
 *
 * Fires on a small order (at most `maxAmountMinor`) of an account at most `newAccountDays` old
 * when other such accounts, paying with other instruments, ordered to the same shipping address,
 * from the same device or from the same IP address within the window. Points: `points` for one
 * linked account, growing with the log of their number up to `maxPoints`.
 */
export const cardTestingFreshAccounts = defineRule({
  code: 'CARD_TESTING_FRESH_ACCOUNTS',
  description: 'Small orders of new accounts on distinct cards, linked by address, device or IP',
  appliesTo: ['order'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    pointsPerLogAccount: 26,
    maxPoints: 80,
    windowMinutes: 1440,
    newAccountDays: 7,
    maxAmountMinor: 1_000,
  },
  evaluate: (event, view, s) => {
    const order = event.order!;
    const subject = event.subject;
    if (!subject || !order.payment || order.amountMinor > s.maxAmountMinor) return undefined;
    if (order.accountAgeDays === undefined || order.accountAgeDays > s.newAccountDays) return undefined;
    const sources: Source[] = [
      ['address', order.address],
      ['device', event.device],
      ['ip', event.ip.id],
    ];
    const linked = new Set<SubjectPseudonym>();
    const via: ProfileKind[] = [];
    for (const [kind, id] of sources) {
      if (id === undefined) continue;
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const accounts = otherAccounts(
        recent,
        subject,
        (o) =>
          isFreshOrder(o, s.newAccountDays) &&
          (o.amountMinor ?? Infinity) <= s.maxAmountMinor &&
          o.payment !== undefined &&
          o.payment !== order.payment,
      );
      if (accounts.size > 0) via.push(kind);
      for (const a of accounts) linked.add(a);
    }
    if (linked.size === 0) return undefined;
    return {
      message: `${linked.size + 1} new accounts placed small orders on different cards, linked by ${via.map((k) => SOURCE_NAMES[k]).join(', ')}, within ${s.windowMinutes / 60} h`,
      evidence: { accounts: linked.size + 1, via: via.join(','), windowMinutes: s.windowMinutes },
      points: linkPoints(linked.size, s),
    };
  },
});
