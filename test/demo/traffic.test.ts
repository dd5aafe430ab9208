import { describe, expect, it } from 'vitest';
import {
  ATTACK_SCENARIOS,
  EVENTS_PER_CUSTOMER_DAY,
  type DemoOptions,
  type LabelledEvent,
  demoTraffic,
  demoTrafficNdjson,
  labelledDemoTraffic,
  resolveDemoOptions,
} from '../../src/demo/traffic.ts';
import { parseEvent, rfc3339ToMs, type VigilEvent } from '../../src/shared/contract/events.ts';
import { locate } from '../../src/shared/geo.ts';
import { parseClientIp } from '../../src/shared/ip.ts';
import { hostingNetwork, verifiedCrawler } from '../../src/shared/networks.ts';

/** One day of the default shop: every attack scenario once, about 13,000 events. */
const ONE_DAY: DemoOptions = { seed: 11, days: 1 };

const generated = new Map<string, LabelledEvent[]>();

/** The labelled traffic of `options`, generated once per distinct options in this file. */
function trafficOf(options: DemoOptions): LabelledEvent[] {
  const key = JSON.stringify(options);
  let items = generated.get(key);
  if (!items) generated.set(key, (items = [...labelledDemoTraffic(options)]));
  return items;
}

/** The events of one attack incident, in order. */
function incident(items: LabelledEvent[], id: string): VigilEvent[] {
  return items.filter((i) => i.incident === id).map((i) => i.event);
}

const country = (ip: string): string | undefined => locate(parseClientIp(ip)!)?.country;
const hosting = (ip: string): string | undefined => hostingNetwork(parseClientIp(ip)!)?.name;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const timeOf = (e: VigilEvent): number => rfc3339ToMs(e.occurredAt);

describe('demoTraffic: the contract', () => {
  it('produces only events that pass the contract, judged after the traffic', () => {
    // Prepare
    const { endMs } = resolveDemoOptions(ONE_DAY);

    // Act
    const rejected = trafficOf(ONE_DAY)
      .map(({ event }) => parseEvent(event, endMs + 3_600_000))
      .filter((r) => !r.ok);

    // Assess
    expect(rejected).toEqual([]);
  });

  it('comes sorted by occurredAt, as instants (login service in UTC, the shop in local time)', () => {
    // Prepare
    const times = trafficOf(ONE_DAY).map(({ event }) => timeOf(event));

    // Act
    const outOfOrder = times.filter((t, i) => i > 0 && t < times[i - 1]!).length;

    // Assess
    expect(outOfOrder).toBe(0);
    expect(times[0]).toBeGreaterThanOrEqual(resolveDemoOptions(ONE_DAY).startMs);
  });

  it('gives every event its own eventId', () => {
    // Prepare
    const ids = trafficOf(ONE_DAY).map(({ event }) => event.eventId);

    // Act
    const distinct = new Set(ids);

    // Assess
    expect(distinct.size).toBe(ids.length);
  });

  it('keeps labels out of the events: only contract fields', () => {
    // Prepare
    const envelope = new Set(['schemaVersion', 'eventId', 'type', 'occurredAt', 'ip', 'customerId']);
    for (const key of ['sessionId', 'deviceId', 'userAgent', 'login', 'browse', 'order']) envelope.add(key);

    // Act
    const extra = trafficOf(ONE_DAY).flatMap(({ event }) =>
      Object.keys(event).filter((k) => !envelope.has(k)),
    );

    // Assess
    expect(extra).toEqual([]);
  });

  it('writes the shop time with the offset of the day, across the end of summer time', () => {
    // Prepare
    const options: DemoOptions = { seed: 3, customers: 200, days: 2, start: '2026-10-24', attacks: false };

    // Act
    const offsets = new Set(
      trafficOf(options)
        .filter(({ event }) => event.type === 'browse')
        .map(({ event }) => event.occurredAt.slice(-6)),
    );

    // Assess
    expect(offsets).toEqual(new Set(['+02:00', '+01:00']));
  });

  it('streams NDJSON lines that parse back to the events', () => {
    // Prepare
    const options: DemoOptions = { seed: 5, customers: 50, days: 0.5 };

    // Act
    const lines = [...demoTrafficNdjson(options)];

    // Assess
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([...demoTraffic(options)]);
  });
});

describe('demoTraffic: seeds and size', () => {
  it('is the same, byte for byte, for the same seed and options', () => {
    // Prepare
    const options: DemoOptions = { seed: 42, customers: 300, days: 1 };

    // Act
    const first = [...demoTrafficNdjson(options)].join('');
    const second = [...demoTrafficNdjson(options)].join('');

    // Assess
    expect(second).toBe(first);
  });

  it('differs for another seed', () => {
    // Prepare
    const a = [...demoTraffic({ seed: 1, customers: 100, days: 0.5 })];

    // Act
    const b = [...demoTraffic({ seed: 2, customers: 100, days: 0.5 })];

    // Assess
    expect(b.map((e) => e.eventId)).not.toEqual(a.map((e) => e.eventId));
  });

  it('grows with customers and days, at about EVENTS_PER_CUSTOMER_DAY', () => {
    // Prepare
    const small: DemoOptions = { seed: 8, customers: 400, days: 1 };
    const large: DemoOptions = { seed: 8, customers: 800, days: 2 };

    // Act
    const smallCount = trafficOf(small).length;
    const largeCount = trafficOf(large).length;

    // Assess
    expect(largeCount / smallCount).toBeGreaterThan(3.2);
    expect(largeCount / smallCount).toBeLessThan(4.8);
    expect(largeCount / (800 * 2 * EVENTS_PER_CUSTOMER_DAY)).toBeGreaterThan(0.75);
    expect(largeCount / (800 * 2 * EVENTS_PER_CUSTOMER_DAY)).toBeLessThan(1.25);
  });

  it('defaults to a few tens of thousands of events: 1,500 customers over 3 days', () => {
    // Prepare
    const options = resolveDemoOptions();

    // Act
    const count = [...demoTraffic()].length;

    // Assess
    expect(options).toMatchObject({ customers: 1500, days: 3, attacks: true, incidentsPerScenario: 2 });
    expect(count).toBeGreaterThan(20_000);
    expect(count).toBeLessThan(60_000);
  });

  it.each([
    [{ start: '2026-02-30' }, 'start: expected YYYY-MM-DD or an RFC 3339 timestamp, got "2026-02-30"'],
    [{ customers: 0 }, 'customers: expected an integer from 1 to 10,000,000'],
    [{ days: -1 }, 'days: expected a number above 0, at most 3660'],
    [{ seed: 1.5 }, 'seed: expected an integer'],
  ])('rejects %o', (options, message) => {
    // Prepare
    const withDefaults: DemoOptions = { ...options };

    // Act
    const act = () => resolveDemoOptions(withDefaults);

    // Assess
    expect(act).toThrow(message);
  });
});

describe('demoTraffic: attacks', () => {
  it('places every attack scenario, each as labelled fraud incidents', () => {
    // Prepare
    const items = trafficOf(ONE_DAY);

    // Act
    const scenarios = new Set(items.filter((i) => i.label === 'fraud').map((i) => i.scenario));
    const unlabelled = items.filter((i) => i.label === 'fraud' && i.incident === undefined);

    // Assess
    expect(scenarios).toEqual(new Set(ATTACK_SCENARIOS));
    expect(unlabelled).toEqual([]);
  });

  it('has no attacks when they are off, and leaves the legitimate traffic exactly as it was', () => {
    // Prepare
    const withAttacks = trafficOf(ONE_DAY).filter((i) => i.label === 'legit');

    // Act
    const without = trafficOf({ ...ONE_DAY, attacks: false });

    // Assess
    expect(without.filter((i) => i.label === 'fraud')).toEqual([]);
    // The impossible-travel victim's own visit belongs to the incident; everything else is identical.
    const legitIds = new Set(without.map((i) => i.event.eventId));
    expect(without).toEqual(withAttacks.filter((i) => legitIds.has(i.event.eventId)));
    expect(withAttacks.length - without.length).toBeLessThan(40);
  });

  it('brute force: dozens of bad passwords for one account from one hosting address', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'brute_force-1');

    // Act
    const failures = events.filter((e) => e.type === 'login' && e.login.failureReason === 'bad_password');
    const addresses = new Set(events.map((e) => e.ip.replace('::ffff:', '')));
    const usernames = new Set(failures.map((e) => (e.type === 'login' ? e.login.username : '')));

    // Assess
    expect(failures.length).toBeGreaterThanOrEqual(25);
    expect(addresses.size).toBe(1);
    expect(hosting([...addresses][0]!)).toMatch(/Hetzner|OVH/);
    expect(usernames.size).toBe(1);
  });

  it('credential stuffing: many usernames, mostly unknown, through dozens of addresses with one user agent', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'credential_stuffing-1');

    // Act
    const logins = events.filter((e) => e.type === 'login');
    const unknown = logins.filter((e) => e.login.failureReason === 'unknown_user');
    const addresses = new Set(logins.map((e) => e.ip.replace('::ffff:', '')));
    const agents = new Set(logins.map((e) => e.userAgent));

    // Assess
    expect(logins.length).toBeGreaterThanOrEqual(80);
    expect(unknown.length / logins.length).toBeGreaterThan(0.7);
    expect(unknown.every((e) => e.customerId === undefined)).toBe(true);
    expect(addresses.size).toBeGreaterThanOrEqual(20);
    expect(agents.size).toBe(1);
  });

  it('account takeover: in from a far country on a new device, new address, billing not shipping', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'account_takeover-1');

    // Act
    const login = events.find((e) => e.type === 'login' && e.login.outcome === 'success')!;
    const orders = events.filter((e) => e.type === 'order');
    const paths = events.flatMap((e) => (e.type === 'browse' ? [e.browse.path] : []));

    // Assess
    expect(['NG', 'BR', 'ID', 'VN', 'RU']).toContain(country(login.ip.replace('::ffff:', '')));
    expect(paths).toContain('/account/adressen/nieuw');
    expect(orders.length).toBeGreaterThanOrEqual(1);
    for (const order of orders) {
      if (order.type !== 'order') continue;
      expect(order.order.amountMinor).toBeGreaterThanOrEqual(40_000);
      expect(order.order.billingCountry).not.toBe(order.order.shippingCountry);
    }
  });

  it('impossible travel: the customer at home in NL, then within the hour a login from China', () => {
    // Prepare
    const items = trafficOf(ONE_DAY);
    const attacker = incident(items, 'impossible_travel-1');
    const victim = attacker[0]!.customerId;

    // Act
    const home = items.filter((i) => i.label === 'legit' && i.event.customerId === victim);
    const lastHome = home.filter((i) => timeOf(i.event) < timeOf(attacker[0]!)).at(-1)!.event;

    // Assess
    expect(country(lastHome.ip)).toBe('NL');
    expect(country(attacker[0]!.ip.replace('::ffff:', ''))).toBe('CN');
    expect(timeOf(attacker[0]!) - timeOf(lastHome)).toBeLessThan(60 * 60_000);
    expect(timeOf(attacker[0]!) - timeOf(lastHome)).toBeGreaterThan(15 * 60_000);
  });

  it('card testing: one account, many small orders with ever new cards', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'card_testing-1');

    // Act
    const orders = events.flatMap((e) => (e.type === 'order' ? [e.order] : []));
    const cards = new Set(orders.map((o) => o.paymentFingerprint));
    const accounts = new Set(events.map((e) => e.customerId));

    // Assess
    expect(orders.length).toBeGreaterThanOrEqual(12);
    expect(orders.every((o) => o.amountMinor <= 500)).toBe(true);
    expect(cards.size).toBeGreaterThan(orders.length / 2);
    expect(accounts.size).toBe(1);
  });

  it('bot scraping: no browser, sub-second pages, from a hosting network', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'bot_scraping-1');

    // Act
    const gaps = events.slice(1).map((e, i) => timeOf(e) - timeOf(events[i]!));

    // Assess
    expect(events.length).toBeGreaterThanOrEqual(300);
    expect(median(gaps)).toBeLessThan(1000);
    expect(events[0]!.userAgent ?? 'none').toMatch(/^(none|python-requests|Scrapy)/);
    expect(hosting(events[0]!.ip)).toMatch(/Scaleway|OVH/);
  });

  it('probing: secrets and admin consoles asked for by one client', () => {
    // Prepare
    const events = incident(trafficOf(ONE_DAY), 'probing-1');

    // Act
    const paths = events.flatMap((e) => (e.type === 'browse' ? [e.browse.path] : []));

    // Assess
    expect(paths.length).toBeGreaterThanOrEqual(12);
    expect(paths.filter((p) => /\.env|\.git|wp-|phpmyadmin|\.php/.test(p)).length).toBeGreaterThan(3);
    expect(new Set(events.map((e) => e.ip)).size).toBe(1);
    expect(events[0]!.userAgent).toBe('curl/8.5.0');
  });
});

describe('demoTraffic: legitimate traffic', () => {
  it('puts customers at home in NL, BE or DE, and crawlers in their published ranges', () => {
    // Prepare
    const items = trafficOf(ONE_DAY).filter((i) => i.label === 'legit');

    // Act
    const homeCountries = new Map<string, number>();
    for (const { event, scenario } of items) {
      if (scenario !== 'normal' || event.type !== 'login') continue;
      const c = country(event.ip.replace('::ffff:', '')) ?? 'unknown';
      homeCountries.set(c, (homeCountries.get(c) ?? 0) + 1);
    }
    const crawlers = items.filter((i) => i.scenario === 'crawler');
    const total = [...homeCountries.values()].reduce((a, b) => a + b, 0);

    // Assess
    expect((homeCountries.get('NL') ?? 0) / total).toBeGreaterThan(0.75);
    expect(((homeCountries.get('BE') ?? 0) + (homeCountries.get('DE') ?? 0)) / total).toBeGreaterThan(0.05);
    const near = ['NL', 'BE', 'DE'].reduce((sum, c) => sum + (homeCountries.get(c) ?? 0), 0);
    expect(near / total).toBeGreaterThan(0.99);
    expect(crawlers.length).toBeGreaterThan(0);
    expect(crawlers.every((i) => verifiedCrawler(parseClientIp(i.event.ip)!) !== undefined)).toBe(true);
  });

  it('gives each customer one card or bank account and one address, and lets them log in first', () => {
    // Prepare
    const items = trafficOf(ONE_DAY).filter((i) => i.scenario === 'normal');

    // Act
    const addresses = new Map<string, Set<string>>();
    for (const { event } of items) {
      if (event.type !== 'order') continue;
      const set = addresses.get(event.customerId) ?? new Set();
      set.add(event.order.shippingAddressId ?? '');
      addresses.set(event.customerId, set);
    }
    const loggedInBrowse = items.filter((i) => i.event.type === 'browse' && i.event.customerId !== undefined);

    // Assess
    expect(addresses.size).toBeGreaterThan(20);
    expect([...addresses.values()].every((set) => set.size === 1)).toBe(true);
    expect(loggedInBrowse.length).toBeGreaterThan(items.length / 2);
  });

  it('reads at human speed: seconds to a minute between pages of a session', () => {
    // Prepare
    const bySession = new Map<string, number[]>();
    for (const { event, scenario } of trafficOf(ONE_DAY)) {
      if (scenario !== 'normal' || event.type !== 'browse' || !event.sessionId) continue;
      bySession.set(event.sessionId, [...(bySession.get(event.sessionId) ?? []), timeOf(event)]);
    }

    // Act
    const gaps = [...bySession.values()].flatMap((times) => times.slice(1).map((t, i) => t - times[i]!));

    // Assess
    expect(median(gaps)).toBeGreaterThan(5_000);
    expect(median(gaps)).toBeLessThan(60_000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_500);
  });
});
