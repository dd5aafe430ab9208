import type { Observation, ProfileKind } from '../../shared/profile.ts';
import type { SubjectPseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { isFreshOrder, linkPoints, otherAccounts, strangerAccounts } from '../links.ts';
import { recentOf } from '../window.ts';

/**
 * An account farm: freshly created accounts sharing a device (an emulator or a device pool with
 * reused cookie ids), a payment instrument or a delivery address, each from another network.
 * Not per IP address or network: a carrier NAT, an office or a big ISP's range puts many honest
 * new customers behind one, more the bigger the shop; a device, a card and an address belong to
 * a household, and a household's few new accounts order from its own line. A server's address is
 * the exception: a farm run from a data centre opens account after account from it, while the
 * honest new customers behind one VPN exit are few and far between.
 *
 * Counts the other accounts, at most `newAccountDays` old at their order, that ordered from this
 * device, with this instrument, to this address or (on a hosting network) from this client address
 * within the window, from a network other than this event's (or from this one, once more than
 * `householdAccounts` did, or from the first on a hosting network or, on one device, within
 * `burstMinutes`: a family laptop's new accounts order days apart, a farm's device serves them
 * minutes apart). On a login it looks at the device and a server's address (the login's account age
 * is not known); on an order it leaves out accounts older than `newAccountDays`. Points: `points`
 * for one linked account, growing with the log of their number up to `maxPoints`, `addressDiscount`
 * fewer when only the address links them and the nearest linked order is more than `burstMinutes`
 * old: new members of one household (a student house) order to their shared address from their
 * phones, each when they need something, over days; a device or a card moving between new accounts
 * on other networks is a farm's, and so are new accounts ordering to one address within hours of
 * each other.
 */
export const newAccountsSharedSource = defineRule({
  code: 'NEW_ACCOUNTS_SHARED_SOURCE',
  description: 'New accounts on different networks share a device, a payment instrument or an address',
  appliesTo: ['login', 'order'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    pointsPerLogAccount: 26,
    maxPoints: 80,
    windowMinutes: 2880,
    newAccountDays: 7,
    householdAccounts: 3,
    addressDiscount: 10,
    burstMinutes: 360,
  },
  evaluate: (event, view, s) => {
    const age = event.order?.accountAgeDays;
    if (!event.subject || (event.order && (age === undefined || age > s.newAccountDays))) return undefined;
    const subject = event.subject;
    const sources: Source[] = [
      ['device', event.device],
      ['payment', event.order?.payment],
      ['address', event.order?.address],
      ['ip', event.hosting ? event.ip.id : undefined],
    ];
    const linked = new Set<SubjectPseudonym>();
    const via: ProfileKind[] = [];
    const fresh = (o: Observation): boolean => isFreshOrder(o, s.newAccountDays);
    const burstFrom = event.at - minutes(s.burstMinutes);
    let latest = -Infinity;
    for (const [kind, id] of sources) {
      if (id === undefined) continue;
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const accounts = strangerAccounts(
        recent,
        { subject, network: event.ip.network, hosting: event.hosting !== undefined },
        s.householdAccounts,
        fresh,
      );
      if (kind === 'device')
        for (const a of otherAccounts(recent, subject, (o) => fresh(o) && o.at >= burstFrom)) accounts.add(a);
      if (accounts.size > 0) via.push(kind);
      for (const a of accounts) linked.add(a);
      for (const o of recent) if (o.subject && accounts.has(o.subject)) latest = Math.max(latest, o.at);
    }
    if (linked.size === 0) return undefined;
    const gapMinutes = Math.round((event.at - latest) / 60_000);
    const burst = gapMinutes <= s.burstMinutes;
    const householdLike = via.length === 1 && via[0] === 'address' && !burst;
    return {
      message: `${linked.size} other new account${linked.size === 1 ? '' : 's'} ordered with this ${via.map((k) => SOURCE_NAMES[k]).join(' or ')} within ${s.windowMinutes / 60} h, the latest ${gapMinutes} min ago`,
      evidence: {
        accounts: linked.size,
        via: via.join(','),
        windowMinutes: s.windowMinutes,
        minutesSinceLatest: gapMinutes,
      },
      points: linkPoints(linked.size, s) - (householdLike ? s.addressDiscount : 0),
    };
  },
});
