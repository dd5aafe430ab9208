import {
  ACCOUNT_ADDRESS_PATH,
  CHECKOUT_PATH,
  LOGIN_PATH,
  NEW_ADDRESS_PATH,
  accountPage,
  visitPage,
} from './clients.ts';
import { type OrderFields, type Tag, type Visit, SECOND, type World, newSessionId } from './model.ts';
import { ipv4In, ipv6In } from './networks.ts';
import type { Customer, Device, SignedInSession } from './population.ts';
import type { Random } from './random.ts';

/** One browsing session: who, from where, what it does. Everything optional has a habit-like default. */
export interface VisitSpec {
  at: number;
  tag: Tag;
  ip: string;
  customer?: Customer;
  device?: Device;
  /** Overrides the device's user agent (or gives one to a device-less client). */
  userAgent?: string;
  /** How the customer logs in: not at all (anonymous or already logged in), with a password, a remember-me token, SSO. */
  login?: 'none' | 'password' | 'token' | 'sso' | 'unsent';
  /** Wrong passwords typed before the right one. */
  typos?: number;
  /** A mistyped username (an unknown-username failure) before the first password. */
  usernameTypo?: boolean;
  pages?: number;
  /** An order at the end, with these fields over the customer's usual ones. */
  order?: Partial<OrderFields>;
  /** The order goes to an address this account never used: entered in the address book or at checkout. */
  newAddress?: boolean;
  /** Milliseconds between two events of the session. */
  gap?: (rng: Random) => number;
  /** No session cookie: the producer sends no sessionId. */
  sessionless?: boolean;
  /** No device cookie (consent refused, a privacy browser): the producer sends no deviceId. */
  deviceless?: boolean;
}

/** Reading time between pages: log-normal around 20 s, from a couple of seconds to minutes. */
export const humanGap = (rng: Random): number =>
  Math.min(15 * 60 * SECOND, Math.max(1.5 * SECOND, rng.logNormal(20 * SECOND, 0.9)));

/**
 * Writes one session: a few pages, the login page and the login when it logs in, pages as the
 * customer, and the cart, checkout and order when it buys. Returns when it ended.
 */
export function writeVisit(world: World, rng: Random, spec: VisitSpec): number {
  const gap = spec.gap ?? humanGap;
  const visit: Visit = { ip: spec.ip };
  const ua = spec.userAgent ?? spec.device?.userAgent;
  if (ua !== undefined) visit.userAgent = ua;
  if (spec.device && !spec.deviceless) visit.deviceId = spec.device.id;
  if (!spec.sessionless) visit.sessionId = newSessionId(rng);
  let t = spec.at;
  const pages = spec.pages ?? Math.max(1, Math.round(rng.logNormal(6, 0.6)));
  const loginMethod = spec.customer ? (spec.login ?? 'password') : 'none';
  const loginAfter = loginMethod === 'none' ? -1 : rng.int(0, Math.min(2, pages - 1));
  // One signed-in visit in six looks at the account: past orders, details, the address book.
  const accountAt = loginAfter >= 0 && rng.chance(0.16) ? rng.int(loginAfter, pages - 1) : -1;
  for (let i = 0; i < pages; i++) {
    if (i === loginAfter) t = writeLogin(world, rng, visit, spec, loginMethod, t, gap);
    const page = i === accountAt ? { path: accountPage(rng), kind: 'page' as const } : visitPage(rng);
    world.browse(t, visit, page.path, page.kind, spec.tag);
    t += gap(rng);
  }
  // A new delivery address is added in the address book first by most, typed at checkout by the rest.
  if (spec.order && spec.customer && spec.newAddress && rng.chance(0.6)) {
    world.browse(t, visit, ACCOUNT_ADDRESS_PATH, 'page', spec.tag);
    t += gap(rng);
    world.browse(t, visit, NEW_ADDRESS_PATH, 'page', spec.tag);
    t += gap(rng);
  }
  if (spec.order && spec.customer) {
    world.browse(t, visit, CHECKOUT_PATH, 'checkout', spec.tag);
    t += gap(rng);
    world.order(
      t,
      { ...visit, customerId: spec.customer.id },
      { ...usualOrder(rng, spec.customer), ...spec.order },
      spec.tag,
    );
  }
  return t;
}

function writeLogin(
  world: World,
  rng: Random,
  visit: Visit,
  spec: VisitSpec,
  method: string,
  at: number,
  gap: (rng: Random) => number,
): number {
  const customer = spec.customer!;
  let t = at;
  if (method !== 'token') {
    world.browse(t, visit, LOGIN_PATH, 'page', spec.tag);
    t += gap(rng);
  }
  const sent = method === 'unsent' ? {} : { method: method as 'password' | 'token' | 'sso' };
  if (spec.usernameTypo) {
    world.login(
      t,
      visit,
      {
        username: mistyped(rng, customer.username),
        outcome: 'failure',
        failureReason: 'unknown_user',
        ...sent,
      },
      spec.tag,
    );
    t += rng.between(4, 20) * SECOND;
  }
  for (let i = 0; i < (spec.typos ?? 0); i++) {
    world.login(
      t,
      { ...visit, customerId: customer.id },
      { username: customer.username, outcome: 'failure', failureReason: 'bad_password', ...sent },
      spec.tag,
    );
    t += rng.between(4, 25) * SECOND;
  }
  const mfa = method === 'password' ? customer.mfa : undefined;
  const as = { ...visit, customerId: customer.id };
  if (mfa === 'two-step') {
    world.login(t, as, { username: customer.username, outcome: 'success', ...sent }, spec.tag);
    t += rng.between(8, 40) * SECOND;
  }
  if (mfa !== undefined) {
    // A code mistyped or expired now and then, rarely twice.
    for (
      let i = rng.chance(0.06)
        ? rng.weighted([
            [1, 5],
            [2, 1],
          ])
        : 0;
      i > 0;
      i--
    ) {
      const step = { username: customer.username, method: 'mfa' as const };
      world.login(t, as, { ...step, outcome: 'failure', failureReason: 'mfa_failed' }, spec.tag);
      t += rng.between(10, 45) * SECOND;
    }
  }
  const last = mfa === undefined ? sent : { method: 'mfa' as const };
  world.login(t, as, { username: customer.username, outcome: 'success', ...last }, spec.tag);
  visit.customerId = customer.id;
  if (visit.sessionId) {
    const session: SignedInSession = { at: t, sessionId: visit.sessionId };
    if (visit.deviceId) session.deviceId = visit.deviceId;
    if (visit.userAgent) session.userAgent = visit.userAgent;
    (customer.sessions ??= []).push(session);
  }
  return t + gap(rng);
}

/** A username with one character dropped, as typed in a hurry. */
function mistyped(rng: Random, username: string): string {
  const at = rng.int(0, username.indexOf('@') - 1);
  return username.slice(0, at) + username.slice(at + 1);
}

/** The customer's usual order: their card or bank, their address, a basket around 45 euros. */
export function usualOrder(rng: Random, c: Customer): OrderFields {
  return {
    amountMinor: Math.round(Math.min(250_000, Math.max(299, rng.logNormal(4_500, 0.8)))),
    itemCount: rng.weighted([
      [1, 55],
      [2, 25],
      [3, 12],
      [5, 8],
    ]),
    paymentMethod: c.payment.method,
    paymentFingerprint: c.payment.fingerprint,
    billingCountry: c.country,
    shippingCountry: c.country,
    shippingAddressId: c.addressId,
    accountCreatedAt: c.createdAt,
  };
}

/** Where a customer's device is online: the home line (IPv6 privacy address where there is one) or, for a phone, 4G. */
export function homeOrMobileIp(rng: Random, c: Customer, device: Device): string {
  if (device.mobile && rng.chance(0.35)) return ipv4In(rng, c.carrier);
  if (c.homeV6 !== undefined && rng.chance(0.7)) return ipv6In(rng, c.homeV6);
  return c.homeV4;
}

/**
 * An ordinary visit by a customer: one of their devices, from home or 4G, logging in by password,
 * remember-me token or single sign-on (sometimes the producer leaves the method out), with an
 * occasional typo, buying now and then.
 */
export function customerVisit(
  world: World,
  rng: Random,
  c: Customer,
  at: number,
  tag: Tag,
  over: Partial<VisitSpec> = {},
): number {
  const device = over.device ?? rng.pick(c.devices);
  const login = rng.weighted<NonNullable<VisitSpec['login']>>([
    ['password', 50],
    ['token', 35],
    ['sso', 5],
    ['unsent', 5],
    ['none', 5],
  ]);
  // A sign-in with Google or Apple fails at the identity provider, never at the shop.
  const typing = login !== 'sso';
  const spec: VisitSpec = {
    at,
    tag,
    customer: c,
    device,
    ip: homeOrMobileIp(rng, c, device),
    login,
    typos: typing && rng.chance(0.04) ? 1 : 0,
    usernameTypo: typing && rng.chance(0.02),
    ...(rng.chance(0.12) ? { order: {} } : {}),
    ...over,
  };
  return writeVisit(world, rng, spec);
}
