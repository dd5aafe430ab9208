import { describe, expect, it } from 'vitest';
import type { EventFacts } from '../../src/shared/facts.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder } from '../factories/events.ts';
import { factsOf, ms, PSEUDONYM_PATTERN, testPseudonymiser } from '../factories/pipeline.ts';

/** The contract's three examples, verbatim (shared/contract/events.md). */
const CONTRACT_EXAMPLES = [
  '{"schemaVersion":1,"eventId":"ev-0001","type":"login","occurredAt":"2026-11-24T09:15:02+01:00","ip":"145.53.12.7","customerId":"C1000231","deviceId":"d-7f3a","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36","login":{"username":"anna@example.nl","outcome":"success","method":"password"}}',
  '{"schemaVersion":1,"eventId":"ev-0002","type":"browse","occurredAt":"2026-11-24T09:15:40+01:00","ip":"145.53.12.7","customerId":"C1000231","sessionId":"s-91","browse":{"path":"/glasvezel/abonnementen","kind":"page"}}',
  '{"schemaVersion":1,"eventId":"ev-0003","type":"order","occurredAt":"2026-11-24T09:21:13+01:00","ip":"145.53.12.7","customerId":"C1000231","deviceId":"d-7f3a","order":{"orderId":"O-88121","amountMinor":4995,"currency":"EUR","itemCount":1,"paymentMethod":"ideal","billingCountry":"NL","shippingCountry":"NL","accountCreatedAt":"2021-03-02T10:00:00Z"}}',
] as const;

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** Every raw identifier the three examples (and their enriched variants below) carry. */
const RAW_IDENTIFIERS = {
  customerId: 'C1000231',
  username: 'anna@example.nl',
  ip: '145.53.12.7',
  ipNetworkPrefix: '145.53.12.',
  deviceId: 'd-7f3a',
  sessionId: 's-91',
  paymentFingerprint: 'pf-4111-card-token',
  shippingAddressId: 'addr-77-amstel',
  searchQuery: 'glasvezel 1000 mbit amsterdam',
  userAgent: CHROME_UA,
  userAgentProduct: 'Chrome/130.0',
  orderId: 'O-88121',
};

/** The raw identifiers found in `facts` once it is serialised. */
function leakedIdentifiers(facts: EventFacts): string[] {
  const text = JSON.stringify(facts);
  return Object.entries(RAW_IDENTIFIERS)
    .filter(([, raw]) => text.includes(raw) || text.toLowerCase().includes(raw.toLowerCase()))
    .map(([name]) => name);
}

describe('toFacts: no raw identifier goes past enrichment', () => {
  it.each(CONTRACT_EXAMPLES.map((line) => [(JSON.parse(line) as { eventId: string }).eventId, line]))(
    'contract example %s carries only pseudonyms',
    (_eventId, line) => {
      // Prepare
      const event: unknown = JSON.parse(line);

      // Act
      const facts = factsOf(event);

      // Assess
      expect(leakedIdentifiers(facts)).toEqual([]);
    },
  );

  it.each([
    [
      'login with session and user agent',
      aLogin({ sessionId: RAW_IDENTIFIERS.sessionId, userAgent: CHROME_UA }),
    ],
    [
      'failed login by an unknown user',
      aFailedLogin('unknown_user', { sessionId: RAW_IDENTIFIERS.sessionId }),
    ],
    [
      'search with a query, device and user agent',
      aBrowse({
        deviceId: RAW_IDENTIFIERS.deviceId,
        userAgent: CHROME_UA,
        browse: { kind: 'search', path: '/zoeken', searchQuery: RAW_IDENTIFIERS.searchQuery },
      }),
    ],
    [
      'order with payment fingerprint, address, session and user agent',
      anOrder({
        sessionId: RAW_IDENTIFIERS.sessionId,
        userAgent: CHROME_UA,
        order: {
          paymentFingerprint: RAW_IDENTIFIERS.paymentFingerprint,
          shippingAddressId: RAW_IDENTIFIERS.shippingAddressId,
        },
      }),
    ],
    [
      'anonymous browse without a session (client from ip and user agent)',
      aBrowse({ customerId: undefined, sessionId: undefined, userAgent: CHROME_UA }),
    ],
  ])('%s carries only pseudonyms', (_what, event) => {
    // Prepare
    const input = event;

    // Act
    const facts = factsOf(input);

    // Assess
    expect(leakedIdentifiers(facts)).toEqual([]);
  });

  it('keeps what the rules read of a browse, and not its path', () => {
    // Prepare
    const event: unknown = JSON.parse(CONTRACT_EXAMPLES[1]);

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.browse).toEqual({ kind: 'page', search: false });
  });

  it('marks a request for a probing path, without keeping the path', () => {
    // Prepare
    const event = { ...JSON.parse(CONTRACT_EXAMPLES[1]), browse: { path: '/.env', kind: 'page' } };

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.browse).toEqual({ kind: 'page', search: false, probe: true });
  });

  it.each([
    ['/account/adressen/nieuw', 'page', { addressBook: 'edit' }],
    ['/account/adressen', 'page', { addressBook: 'view' }],
    ['/checkout/address', 'checkout', {}],
  ] as const)('reads the address-book step of %s (%s), without keeping the path', (path, kind, expected) => {
    // Prepare
    const event = { ...JSON.parse(CONTRACT_EXAMPLES[1]), browse: { path, kind } };

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.browse).toEqual({ kind, search: false, ...expected });
    expect(JSON.stringify(facts)).not.toContain('adressen');
  });

  it('replaces every identifier of the login example by a pseudonym of the right kind', () => {
    // Prepare
    const p = testPseudonymiser();
    const event: unknown = JSON.parse(CONTRACT_EXAMPLES[0]);

    // Act
    const facts = factsOf(event, p);

    // Assess
    expect(facts).toMatchObject({
      eventId: 'ev-0001',
      type: 'login',
      at: ms('2026-11-24T08:15:02Z'),
      subject: p.of('subject', 'C1000231'),
      username: p.of('username', 'anna@example.nl'),
      device: p.of('device', 'd-7f3a'),
      ip: {
        id: p.of('ip', '145.53.12.7'),
        network: p.of('network', '145.53.12.0/24'),
        version: 4,
        range: 'public',
      },
      userAgent: { id: p.of('userAgent', CHROME_UA), bot: false, claimsCrawler: false },
      login: { outcome: 'success', method: 'password' },
    });
    for (const pseudonym of [
      facts.subject,
      facts.username,
      facts.device,
      facts.ip.id,
      facts.ip.network,
      facts.client,
    ]) {
      expect(pseudonym).toMatch(PSEUDONYM_PATTERN);
    }
  });

  it('pseudonymises payment fingerprint and shipping address in their own key domains', () => {
    // Prepare
    const p = testPseudonymiser();
    const shared = 'same-raw-token';
    const event = anOrder({ order: { paymentFingerprint: shared, shippingAddressId: shared } });

    // Act
    const facts = factsOf(event, p);

    // Assess
    expect(facts.order!.payment).toBe(p.of('payment', shared));
    expect(facts.order!.address).toBe(p.of('address', shared));
    expect(facts.order!.payment).not.toBe(facts.order!.address);
  });

  it('marks a browse as a search by its kind or by a search query, and keeps no query text', () => {
    // Prepare
    const byKind = aBrowse({ browse: { kind: 'search', path: '/zoeken' } });
    const byQuery = aBrowse({ browse: { kind: 'page', path: '/zoeken', searchQuery: '' } });
    const plain = aBrowse();

    // Act
    const facts = [byKind, byQuery, plain].map((e) => factsOf(e).browse);

    // Assess
    expect(facts).toEqual([
      { kind: 'search', search: true },
      { kind: 'page', search: true },
      { kind: 'page', search: false },
    ]);
  });
});

const PRICE_BOT_UA = 'Mozilla/5.0 (compatible; PrijsradarBot/2.4; +https://www.prijsradar.nl/bot)';

describe('toFacts: IP addresses', () => {
  it.each(['::ffff:145.53.12.7', '::FFFF:145.53.12.7', '::ffff:9135:c07', '0:0:0:0:0:ffff:145.53.12.7'])(
    'gives the IPv4-mapped address %s the same ip, network and client pseudonyms as 145.53.12.7',
    (mapped) => {
      // Prepare
      const p = testPseudonymiser();
      const plain = aBrowse({ sessionId: undefined, userAgent: CHROME_UA, ip: '145.53.12.7' });
      const viaV6 = aBrowse({ sessionId: undefined, userAgent: CHROME_UA, ip: mapped });

      // Act
      const a = factsOf(plain, p);
      const b = factsOf(viaV6, p);

      // Assess
      expect(b.ip).toEqual(a.ip);
      expect(b.ip.version).toBe(4);
      expect(b.client).toBe(a.client);
      expect(b.geo).toEqual(a.geo);
    },
  );

  it('gives different addresses in one /24 the same network pseudonym but different ip pseudonyms', () => {
    // Prepare
    const p = testPseudonymiser();

    // Act
    const a = factsOf(aLogin({ ip: '145.53.12.7' }), p);
    const b = factsOf(aLogin({ ip: '145.53.12.200' }), p);

    // Assess
    expect(b.ip.network).toBe(a.ip.network);
    expect(b.ip.id).not.toBe(a.ip.id);
  });

  it('locates the example address coarsely in NL', () => {
    // Prepare
    const event = aLogin();

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.geo?.country).toBe('NL');
    expect(facts.hosting).toBeUndefined();
    expect(facts.crawler).toBeUndefined();
  });

  it('marks 66.249.66.1 as a verified Googlebot address, not a hosting network', () => {
    // Prepare
    const event = aBrowse({ ip: '66.249.66.1', customerId: undefined, userAgent: GOOGLEBOT_UA });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.crawler).toEqual({ kind: 'crawler', name: 'googlebot' });
    expect(facts.hosting).toBeUndefined();
    expect(facts.userAgent).toMatchObject({ bot: true, claimsCrawler: true });
  });

  it('marks 51.15.103.162 as a Scaleway hosting address, not a crawler', () => {
    // Prepare
    const event = aLogin({ ip: '51.15.103.162' });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.hosting).toEqual({ kind: 'hosting', name: 'Scaleway', asn: 12876 });
    expect(facts.crawler).toBeUndefined();
  });

  it('sees through a crawler claim from a hosting address (claims Googlebot, is not one)', () => {
    // Prepare
    const event = aBrowse({ ip: '51.15.103.162', customerId: undefined, userAgent: GOOGLEBOT_UA });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.userAgent).toMatchObject({ bot: true, claimsCrawler: true });
    expect(facts.crawler).toBeUndefined();
    expect(facts.hosting?.name).toBe('Scaleway');
  });

  it('marks a declared crawler from its configured ranges as a verified, allow-listed crawler', () => {
    // Prepare
    const event = aBrowse({ ip: '138.201.4.9', customerId: undefined, userAgent: PRICE_BOT_UA });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.crawler).toEqual({ kind: 'crawler', name: 'prijsradar' });
    expect(facts.knownClient).toEqual({ list: 'crawlers', name: 'prijsradar' });
    expect(facts.userAgent).toMatchObject({ bot: true, claimsCrawler: true });
  });

  it('sees a declared crawler name from outside its ranges as a claim only', () => {
    // Prepare
    const event = aBrowse({ ip: '51.15.103.162', customerId: undefined, userAgent: PRICE_BOT_UA });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.crawler).toBeUndefined();
    expect(facts.knownClient).toBeUndefined();
    expect(facts.userAgent).toMatchObject({ claimsCrawler: true });
  });

  it.each([
    ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', true],
    ['Scrapy/2.11.2 (+https://scrapy.org)', undefined],
    ['python-requests/2.31.0', undefined],
  ])('marks %s as a declared robot: %s', (userAgent, declared) => {
    // Prepare
    const event = aBrowse({ userAgent, customerId: undefined });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.userAgent?.bot).toBe(true);
    expect(facts.userAgent?.declaredRobot).toBe(declared);
  });

  it("marks the shop's own app as allow-listed by its user agent", () => {
    // Prepare
    const event = aLogin({ userAgent: 'okhttp/4.12.0' });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.knownClient).toEqual({ list: 'apps', name: 'winkelhuis-android' });
    expect(facts.crawler).toBeUndefined();
  });

  it('gives a private address no location', () => {
    // Prepare
    const event = aLogin({ ip: '192.168.1.20' });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.ip.range).toBe('private');
    expect(facts.geo).toBeUndefined();
  });
});

describe('toFacts: usernames and clients', () => {
  it.each(['anna@example.nl', 'Anna@Example.NL', 'ANNA@EXAMPLE.NL', '  anna@example.nl\t'])(
    'gives the username %j the pseudonym of anna@example.nl',
    (username) => {
      // Prepare
      const p = testPseudonymiser();

      // Act
      const facts = factsOf(aLogin({ login: { username } }), p);

      // Assess
      expect(facts.username).toBe(p.of('username', 'anna@example.nl'));
    },
  );

  it('gives different usernames different pseudonyms', () => {
    // Prepare
    const p = testPseudonymiser();

    // Act
    const anna = factsOf(aLogin({ login: { username: 'anna@example.nl' } }), p);
    const bram = factsOf(aLogin({ login: { username: 'bram@example.nl' } }), p);

    // Assess
    expect(bram.username).not.toBe(anna.username);
  });

  it('does not fold the case of customer ids, which are not usernames', () => {
    // Prepare
    const p = testPseudonymiser();

    // Act
    const upper = factsOf(anOrder({ customerId: 'C1000231' }), p);
    const lower = factsOf(anOrder({ customerId: 'c1000231' }), p);

    // Assess
    expect(lower.subject).not.toBe(upper.subject);
  });

  it('uses the session as the client when there is one, else the address and user agent together', () => {
    // Prepare
    const p = testPseudonymiser();
    const withSession = aBrowse({ sessionId: 's-91' });
    const sameSessionElsewhere = aBrowse({ sessionId: 's-91', ip: '86.82.118.110' });
    const anonymous = aBrowse({ sessionId: undefined, userAgent: CHROME_UA });
    const anonymousOtherAgent = aBrowse({ sessionId: undefined, userAgent: GOOGLEBOT_UA });

    // Act
    const [a, b, c, d] = [withSession, sameSessionElsewhere, anonymous, anonymousOtherAgent].map(
      (e) => factsOf(e, p).client,
    );

    // Assess
    expect(a).toBe(p.of('session', 's-91'));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(c);
  });
});

describe('toFacts: orders', () => {
  it('computes the account age in whole days at the event time', () => {
    // Prepare: 2021-03-02T10:00Z to 2026-11-24T08:21:13Z is 2,092 days and 22 hours.
    const event: unknown = JSON.parse(CONTRACT_EXAMPLES[2]);

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.order).toEqual({
      amountMinor: 4995,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'ideal',
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountAgeDays: 2092,
    });
  });

  it.each([
    ['created the same minute', '2026-11-24T08:21:00Z', 0],
    ['created 23 h 59 min before', '2026-11-23T08:22:00Z', 0],
    ['created exactly one day before', '2026-11-23T08:21:13Z', 1],
    ['created in an offset', '2026-11-14T09:21:13+01:00', 10],
    ['created after the order (producer clock skew)', '2026-11-25T08:00:00Z', 0],
  ])('gives an account %s the age %i', (_what, accountCreatedAt, days) => {
    // Prepare
    const event = anOrder({ occurredAt: '2026-11-24T09:21:13+01:00', order: { accountCreatedAt } });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.order!.accountAgeDays).toBe(days);
  });

  it('leaves the account age out when the producer sent no creation time', () => {
    // Prepare
    const event = anOrder({ order: { accountCreatedAt: undefined } });

    // Act
    const facts = factsOf(event);

    // Assess
    expect(facts.order).not.toHaveProperty('accountAgeDays');
  });
});
