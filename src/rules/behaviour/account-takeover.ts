import type { EventFacts } from '../../shared/facts.ts';
import type { Observation } from '../../shared/profile.ts';
import { valueCounts } from '../novelty.ts';
import { type ProfileView, defineRule } from '../rule.ts';
import {
  type Access,
  type SignInSettings,
  defined,
  isSignIn,
  novelty,
  round,
  signInParts,
} from '../sign-in.ts';

const HOUR_MS = 3_600_000;

/**
 * The sign-in this order is placed under: the latest successful login of the customer in this
 * session, else on this device, within `hours`; the order itself when neither is there.
 */
function accessOf(event: EventFacts, view: ProfileView, hours: number): Access {
  const from = event.at - hours * HOUR_MS;
  const latest = (observations: readonly Observation[], match: (o: Observation) => boolean) => {
    for (let i = observations.length - 1; i >= 0 && observations[i]!.at >= from; i--) {
      const o = observations[i]!;
      if (o.at <= event.at && isSignIn(o) && o.subject === event.subject && match(o)) return o;
    }
    return undefined;
  };
  return (
    latest(view.observations('client', event.client), () => true) ??
    latest(
      view.observations('subject', event.subject),
      (o) => event.device !== undefined && o.device === event.device,
    ) ?? {
      at: event.at,
      network: event.ip.network,
      ...(event.device ? { device: event.device } : {}),
      ...(event.userAgent ? { userAgent: event.userAgent.id } : {}),
    }
  );
}

interface Settings extends SignInSettings {
  newAddressPrior: number;
  highValueMinor: number;
  highValueNats: number;
  maxValueNats: number;
  smallBasketSlope: number;
}

/**
 * Evidence, in nats, that the order cashes out: a shipping address the customer's earlier orders
 * never went to (against how often they switch, shrunk to `newAddressPrior`), and a high value
 * (growing with the log of the amount), less a small basket's doubt. Undefined when the order
 * goes to a known address at an ordinary value.
 */
function cashOutParts(
  order: NonNullable<EventFacts['order']>,
  orders: readonly Observation[],
  s: Settings,
): Record<string, number> | undefined {
  const known = valueCounts(orders, (o) => o.address);
  if (order.address && known.counts.has(order.address)) return undefined;
  const parts: Record<string, number | undefined> = {
    newAddress: novelty(order.address, orders, (o) => o.address, s.newAddressPrior, s),
  };
  const ratio = Math.log(Math.max(1, order.amountMinor) / s.highValueMinor);
  if (ratio >= 0) parts.highValue = Math.min(s.maxValueNats, s.highValueNats + ratio);
  const found = defined(parts);
  if (Object.keys(found).length === 0) return undefined;
  // A cash-out is worth the attacker's trouble: a small basket is evidence against one.
  if (ratio < 0) found.smallBasket = Math.max(-s.maxValueNats, s.smallBasketSlope * ratio);
  return found;
}

/**
 * An account that existed for `unseenAccountDays` and more, yet never signed in or bought
 * before this sign-in as far as the kept history reaches: a dormant account, whose owner will
 * not notice, is what takeovers pick. Its novelty cannot be weighed against habits it never
 * showed, so it counts a fixed `unseenNats`, and only an order that cashes out can make it flag.
 */
function unseenAccount(
  order: NonNullable<EventFacts['order']>,
  profile: readonly Observation[],
  signedInAt: number,
  s: { unseenAccountDays: number },
): boolean {
  if (order.accountAgeDays === undefined || order.accountAgeDays < s.unseenAccountDays) return false;
  return !profile.some((o) => o.at < signedInAt && o.outcome !== 'failure');
}

/**
 * Account takeover as a sequence (the cash-out of OWASP OAT-012; session-cookie theft, MITRE
 * ATT&CK T1539): a sign-in that does not look like the customer's own (a device and a network
 * their earlier logins never showed, a remember-me token on a new device, after a long silence)
 * followed within the session or the day by an order that cashes out (a shipping address the
 * customer never used, a high value). Each step is evidence in nats, summed over the steps
 * present (the sign-in's own login was scored by LOGIN_RISK; here it is carried to the order it
 * led to), minus `offset`, at `pointsPerNat` up to `maxPoints`.
 */
export const accountTakeover = defineRule({
  code: 'ACCOUNT_TAKEOVER',
  description:
    'Order completing a takeover: a sign-in from a new device and network, then a new address or a high value',
  appliesTo: ['order'],
  group: 'order-value',
  defaults: {
    enabled: true,
    shadow: false,
    points: 0,
    sessionHours: 24,
    attackerNewShare: 0.9,
    newDevicePrior: 0.25,
    newNetworkPrior: 0.45,
    priorWeight: 2,
    tokenNats: 1,
    failedMinutes: 30,
    failedNats: 0.5,
    dormantDays: 60,
    dormantNats: 1,
    // Honest customers send gifts and deliveries to work: a new address is common enough alone.
    newAddressPrior: 0.15,
    highValueMinor: 25_000,
    highValueNats: 1.5,
    maxValueNats: 2.5,
    smallBasketSlope: 1,
    unseenAccountDays: 30,
    unseenNats: 0.5,
    offset: 0,
    pointsPerNat: 10,
    maxPoints: 80,
  },
  evaluate: (event, view, s) => {
    if (!event.subject) return undefined;
    const access = accessOf(event, view, s.sessionHours);
    const profile = view.observations('subject', event.subject);
    const signIn = signInParts(access, profile, s);
    // Movers and travellers change networks with their own devices: the takeover brings its own.
    if (signIn.newDevice === undefined && signIn.newUserAgent === undefined) {
      if (!unseenAccount(event.order!, profile, access.at, s)) return undefined;
      signIn.unseenAccount = s.unseenNats;
    }
    const orders = profile.filter((o) => o.kind === 'order' && o.at < access.at);
    const cashOut = cashOutParts(event.order!, orders, s);
    if (!cashOut) return undefined;
    const parts = { ...signIn, ...cashOut };
    const llr = Object.values(parts).reduce((a, b) => a + b, 0);
    const points = Math.min(s.maxPoints, Math.round((llr - s.offset) * s.pointsPerNat));
    if (points <= 0) return undefined;
    const evidence: Record<string, number> = {
      llr: round(llr),
      minutesSinceSignIn: Math.round((event.at - access.at) / 60_000),
    };
    for (const [k, v] of Object.entries(parts)) evidence[k] = round(v);
    return {
      message: `order after a sign-in unlike this customer's: ${Object.keys(parts).join(', ')}`,
      evidence,
      points,
    };
  },
});
