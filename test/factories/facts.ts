/**
 * Record factories for what the rules see: {@link EventFacts}, stored
 * {@link Observation}s, shop-wide {@link GlobalBucket}s and the
 * {@link ProfileSnapshot} that ties them together.
 *
 * Every factory returns a fresh, complete record with `overrides` applied;
 * nested `ip`, `login`, `browse`, `order` and `userAgent` overrides are merged
 * into the defaults. An override of `undefined` removes the field, so
 * `aLoginFact({ device: undefined })` has no `device` key at all.
 *
 * Pseudonyms are readable plain strings (`v1:subject-1`); the defaults of all
 * factories describe one customer, on one device, address and browser session:
 *
 * @example
 * ```ts
 * const event = aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });
 * const earlier = anObservation({ at: FACT_AT - minutes(2), outcome: 'failure' });
 * const view = new ProfileView(aSnapshot(event, { username: [earlier] }));
 * ```
 */
import type { EventFacts } from '../../src/shared/facts.ts';
import {
  type GlobalBucket,
  type Observation,
  type Profile,
  type ProfileKey,
  type ProfileKind,
  type ProfileSnapshot,
  profileKey,
} from '../../src/shared/profile.ts';
import type { Pseudonym } from '../../src/shared/pseudonymise.ts';

/** The time of every default event: the rules' "now". */
export const FACT_AT = Date.parse('2026-10-20T12:00:00Z');

/** A readable pseudonym: `pseudonym('subject-2')` is `'v1:subject-2'`. */
export const pseudonym = (name: string): Pseudonym => `v1:${name}` as Pseudonym;

/** The pseudonyms of the default customer, address, network, device, session and user agent. */
export const DEFAULT_IDS = {
  subject: pseudonym('subject-1'),
  username: pseudonym('username-1'),
  ip: pseudonym('ip-1'),
  network: pseudonym('network-1'),
  device: pseudonym('device-1'),
  client: pseudonym('client-1'),
  userAgent: pseudonym('ua-1'),
  payment: pseudonym('payment-1'),
  address: pseudonym('address-1'),
} as const satisfies Record<ProfileKind, Pseudonym>;

/** Amsterdam, as geoip would place a Dutch broadband address. */
export const AMSTERDAM = { country: 'NL', lat: 52.37, lon: 4.89, accuracyKm: 20 } as const;

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}-${String(++sequence).padStart(6, '0')}`;

function dropUndefined<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}

type Nested = 'ip' | 'userAgent' | 'login' | 'browse' | 'order';
/** Top-level fields replace the defaults; the nested objects are merged into theirs. */
export type FactsOverrides = Partial<Omit<EventFacts, Nested>> & {
  [K in Nested]?: Partial<NonNullable<EventFacts[K]>>;
};

function aFact(type: EventFacts['type'], overrides: FactsOverrides): EventFacts {
  const { ip, userAgent, login, browse, order, ...top } = overrides;
  for (const [own, given] of [
    ['login', login],
    ['browse', browse],
    ['order', order],
  ] as const) {
    if (given !== undefined && own !== type) throw new Error(`a ${type} fact has no ${own} to override`);
  }
  const facts: EventFacts = {
    eventId: nextId('fact'),
    type,
    at: FACT_AT,
    subject: DEFAULT_IDS.subject,
    ip: { id: DEFAULT_IDS.ip, network: DEFAULT_IDS.network, version: 4, range: 'public', ...ip },
    geo: { ...AMSTERDAM },
    device: DEFAULT_IDS.device,
    client: DEFAULT_IDS.client,
    ...top,
  };
  if (!('userAgent' in overrides) || userAgent !== undefined) {
    facts.userAgent = {
      id: DEFAULT_IDS.userAgent,
      bot: false,
      claimsCrawler: false,
      family: 'chrome 131',
      ...userAgent,
    };
  }
  if (type === 'login') {
    facts.username = 'username' in top ? top.username : DEFAULT_IDS.username;
    facts.login = dropUndefined({ outcome: 'success' as const, method: 'password' as const, ...login });
  }
  if (type === 'browse') {
    facts.browse = dropUndefined({ kind: 'page' as const, search: false, ...browse });
  }
  if (type === 'order') {
    facts.order = dropUndefined({
      amountMinor: 4995,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card' as const,
      payment: DEFAULT_IDS.payment,
      address: DEFAULT_IDS.address,
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountAgeDays: 2000,
      ...order,
    });
  }
  return dropUndefined(facts);
}

/** A successful password login of the default customer from Amsterdam, on their usual device. */
export const aLoginFact = (overrides: FactsOverrides = {}): EventFacts => aFact('login', overrides);

/** A page view of the default customer. */
export const aBrowseFact = (overrides: FactsOverrides = {}): EventFacts => aFact('browse', overrides);

/** A 49.95 EUR card order of the default customer (an account of 2000 days), billed and shipped to NL. */
export const anOrderFact = (overrides: FactsOverrides = {}): EventFacts => aFact('order', overrides);

/**
 * An earlier event of the default customer, one minute before
 * {@link FACT_AT}, from the default address, network, device and user agent
 * in Amsterdam. It is a successful login of the default username unless
 * `kind` says otherwise; other kinds have no `username` and `outcome`.
 */
export function anObservation(overrides: Partial<Observation> = {}): Observation {
  const at = overrides.at ?? FACT_AT - 60_000;
  const login = (overrides.kind ?? 'login') === 'login';
  return dropUndefined<Observation>({
    eventId: nextId('obs'),
    kind: 'login',
    at,
    expiresAt: Math.floor(at / 1000) + 90 * 86_400,
    subject: DEFAULT_IDS.subject,
    ...(login ? { username: DEFAULT_IDS.username, outcome: 'success' as const } : {}),
    ip: DEFAULT_IDS.ip,
    network: DEFAULT_IDS.network,
    device: DEFAULT_IDS.device,
    userAgent: DEFAULT_IDS.userAgent,
    country: AMSTERDAM.country,
    lat: AMSTERDAM.lat,
    lon: AMSTERDAM.lon,
    accuracyKm: AMSTERDAM.accuracyKm,
    ...overrides,
  });
}

/**
 * A shop-wide hour bucket ending at {@link FACT_AT}: 100 logins, 5 failures,
 * 1 of them for an unknown username, 95 located successes, all from NL.
 * `locatedSuccesses` defaults to the sum of `countries`.
 */
export function aGlobalBucket(overrides: Partial<GlobalBucket> = {}): GlobalBucket {
  const countries = overrides.countries ?? { NL: 95 };
  return {
    start: FACT_AT - 3_600_000,
    logins: 100,
    failures: 5,
    unknownUserFailures: 1,
    locatedSuccesses: Object.values(countries).reduce((a, b) => a + b, 0),
    ...overrides,
    countries,
  };
}

/** The pseudonym of each profile kind an event touches. */
function idOf(facts: EventFacts, kind: ProfileKind): Pseudonym | undefined {
  switch (kind) {
    case 'ip':
      return facts.ip.id;
    case 'network':
      return facts.ip.network;
    case 'userAgent':
      return facts.userAgent?.id;
    case 'payment':
      return facts.order?.payment;
    case 'address':
      return facts.order?.address;
    default:
      return facts[kind];
  }
}

/**
 * The stored state an event is scored against: the observations of each
 * profile kind, stored under the id the event has for that kind (so
 * `{ ip: [...] }` is the profile of `facts.ip.id`), sorted oldest first as the
 * store keeps them, and the shop-wide buckets.
 *
 * @throws when observations are given for a kind the event has no id for.
 */
export function aSnapshot(
  facts: EventFacts,
  profiles: Partial<Record<ProfileKind, readonly Observation[]>> = {},
  buckets: readonly GlobalBucket[] = [],
): ProfileSnapshot {
  const map = new Map<ProfileKey, Profile>();
  for (const [kind, observations] of Object.entries(profiles) as [ProfileKind, Observation[]][]) {
    const id = idOf(facts, kind);
    if (id === undefined) throw new Error(`aSnapshot: the event has no ${kind} id for its observations`);
    const key = profileKey(kind, id);
    map.set(key, { key, observations: [...observations].sort((a, b) => a.at - b.at) });
  }
  return { profiles: map, global: { buckets: [...buckets].sort((a, b) => a.start - b.start) } };
}
