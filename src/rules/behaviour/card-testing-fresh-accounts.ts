import type { EventFacts } from '../../shared/facts.ts';
import type { ProfileKind } from '../../shared/profile.ts';
import type { Pseudonym, SubjectPseudonym } from '../../shared/pseudonymise.ts';
import { type ProfileView, defineRule, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
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
 * from the same device or from the same IP address within the window. It fires on the login of
 * the next account already when that account has no history at all (opened, or back after the
 * retention, minutes ago) and its device or address placed such orders for other accounts: the
 * rest of its session then inherits the link (RING_SESSION). Points: `points` for one linked
 * account, growing with the log of their number up to `maxPoints`.
 */
export const cardTestingFreshAccounts = defineRule({
  code: 'CARD_TESTING_FRESH_ACCOUNTS',
  description: 'Small orders of new accounts on distinct cards, linked by address, device or IP',
  appliesTo: ['login', 'order'],
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
    const subject = event.subject;
    if (!subject) return undefined;
    const order = event.order;
    if (order) {
      if (!order.payment || order.amountMinor > s.maxAmountMinor) return undefined;
      if (order.accountAgeDays === undefined || order.accountAgeDays > s.newAccountDays) return undefined;
    } else if (event.login?.outcome !== 'success' || view.observations('subject', subject).length > 0) {
      return undefined;
    }
    const { linked, via } = linkedTesters(event, view, s, subject);
    if (linked.size === 0) return undefined;
    const by = via.map((k) => SOURCE_NAMES[k]).join(', ');
    const message = order
      ? `${linked.size + 1} new accounts placed small orders on different cards, linked by ${by}, within ${s.windowMinutes / 60} h`
      : `a customer with no history signs in by the ${by} where ${linked.size} new account${linked.size === 1 ? '' : 's'} placed small orders on different cards within ${s.windowMinutes / 60} h`;
    return {
      message,
      evidence: { accounts: linked.size + 1, via: via.join(','), windowMinutes: s.windowMinutes },
      points: linkPoints(linked.size, s),
    };
  },
});

/**
 * The other new accounts that placed small orders from this event's address, device or (for an
 * order) to its shipping address, on an instrument other than this order's.
 */
function linkedTesters(
  event: EventFacts,
  view: ProfileView,
  s: { windowMinutes: number; newAccountDays: number; maxAmountMinor: number },
  subject: SubjectPseudonym,
): { linked: Set<SubjectPseudonym>; via: ProfileKind[] } {
  const payment: Pseudonym | undefined = event.order?.payment;
  const sources: Source[] = [
    ['address', event.order?.address],
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
        o.payment !== payment,
    );
    if (accounts.size > 0) via.push(kind);
    for (const a of accounts) linked.add(a);
  }
  return { linked, via };
}
