import { describe, expect, it } from 'vitest';
import type { Decision, Outcome } from '../../src/shared/decision.ts';
import { DEFAULT_RETENTION_DAYS, type DetectionConfig, resolveConfig } from '../../src/rules/config.ts';
import type { VigilEvent } from '../../src/shared/contract/events.ts';
import type { EventFacts } from '../../src/shared/facts.ts';
import { type ProfileKey, profileKey } from '../../src/shared/profile.ts';
import { observe, profileKeysOf, signalKindOf } from '../../src/pipeline/observe.ts';
import { type ProfileWrite } from '../../src/shared/profile.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder } from '../factories/events.ts';
import { DAY_S, factsOf, ms, testPseudonymiser } from '../factories/pipeline.ts';

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

/** One event of each signal kind, all at the same instant with a sub-second fraction. */
const AT = '2026-11-24T09:15:02.789+01:00';
const AT_S = Math.floor(ms(AT) / 1000);
const EVENTS: Record<'login' | 'browse' | 'search' | 'order', VigilEvent> = {
  login: aLogin({ occurredAt: AT }),
  browse: aBrowse({ occurredAt: AT }),
  search: aBrowse({ occurredAt: AT, browse: { kind: 'search', path: '/zoeken', searchQuery: 'glasvezel' } }),
  order: anOrder({ occurredAt: AT }),
};

/** What the pipeline writes for `facts` after deciding `outcome` (allow by default) for `reasons`. */
function writeOf(
  facts: EventFacts,
  config: DetectionConfig = resolveConfig(),
  outcome: Outcome = 'allow',
  reasons: Decision['reasons'] = [],
): ProfileWrite {
  const decision: Decision = {
    eventId: facts.eventId,
    eventType: facts.type,
    score: { allow: 0, review: 50, deny: 90 }[outcome],
    decision: outcome,
    reasons,
    rulesetVersion: config.rulesetVersion,
  };
  return observe(facts, decision, config);
}

const sorted = (keys: readonly ProfileKey[]): ProfileKey[] => [...keys].sort();

describe('observe: retention', () => {
  it.each([
    ['login', 90],
    ['browse', 30],
    ['search', 30],
    ['order', 180],
  ] as const)('a %s expires %i days after occurredAt (epoch seconds) by default', (kind, days) => {
    // Prepare
    const facts = factsOf(EVENTS[kind]);

    // Act
    const { observation } = writeOf(facts);

    // Assess
    expect(observation.kind).toBe(kind);
    expect(observation.at).toBe(ms(AT));
    expect(observation.expiresAt).toBe(AT_S + days * DAY_S);
    expect(DEFAULT_RETENTION_DAYS[kind]).toBe(days);
  });

  it('counts retention from the event time, not from the processing time', () => {
    // Prepare: an event from a year ago is already past its retention when observed.
    const old = aLogin({ occurredAt: '2025-11-24T09:15:02Z' });

    // Act
    const { observation } = writeOf(factsOf(old));

    // Assess
    expect(observation.expiresAt).toBe(ms('2025-11-24T09:15:02Z') / 1000 + 90 * DAY_S);
  });

  it('takes overridden retention per kind from resolveConfig, keeping the defaults of the others', () => {
    // Prepare
    const config = resolveConfig({ retentionDays: { login: 7, search: 1.5, order: 400 } });

    // Act
    const expiry = Object.fromEntries(
      Object.entries(EVENTS).map(([kind, event]) => [
        kind,
        writeOf(factsOf(event), config).observation.expiresAt,
      ]),
    );

    // Assess
    expect(expiry).toEqual({
      login: AT_S + 7 * DAY_S,
      browse: AT_S + 30 * DAY_S,
      search: AT_S + 1.5 * DAY_S,
      order: AT_S + 400 * DAY_S,
    });
  });

  it.each([
    [{ retentionDays: { login: 0 } }, 'retentionDays.login'],
    [{ retentionDays: { order: 401 } }, 'retentionDays.order'],
    [{ retentionDays: { browse: '30' } }, 'retentionDays.browse'],
  ])('rejects the retention override %j, naming %s', (overrides, field) => {
    // Prepare
    const input: unknown = overrides;

    // Act
    const resolve = () => resolveConfig(input);

    // Assess
    expect(resolve).toThrow(`rules config: ${field}`);
  });
  it.each([
    [{ retentionDays: { logins: 7 } }, 'retentionDays'],
    [{ thresholds: { review: 40, deny: 80, block: 90 } }, 'thresholds'],
  ])('rejects the unknown key in %j, naming %s', (overrides, field) => {
    // Prepare
    const input: unknown = overrides;

    // Act
    const resolve = () => resolveConfig(input);

    // Assess
    expect(resolve).toThrow(`rules config: ${field}`);
  });
});

describe('observe: which profiles an event touches', () => {
  it('writes a login to its subject, username, ip, network, client, device and user agent', () => {
    // Prepare
    const p = testPseudonymiser();
    const facts = factsOf(aLogin({ sessionId: 's-91', userAgent: CHROME_UA }), p);

    // Act
    const write = writeOf(facts);

    // Assess
    expect(sorted(write.keys)).toEqual(
      sorted([
        profileKey('subject', p.of('subject', 'C1000231')),
        profileKey('username', p.of('username', 'anna@example.nl')),
        profileKey('ip', p.of('ip', '145.53.12.7')),
        profileKey('network', p.of('network', '145.53.12.0/24')),
        profileKey('client', p.of('session', 's-91')),
        profileKey('device', p.of('device', 'd-7f3a')),
        profileKey('userAgent', p.of('userAgent', CHROME_UA)),
      ]),
    );
    expect(write.login).toEqual({
      outcome: 'success',
      unknownUser: false,
      country: 'NL',
      method: 'password',
      asn: 1136,
      agent: 'chrome 130',
    });
  });

  it('writes an unknown-user failure to no subject, and counts it as an unknown user', () => {
    // Prepare
    const facts = factsOf(aFailedLogin('unknown_user', { deviceId: undefined, userAgent: undefined }));

    // Act
    const write = writeOf(facts);

    // Assess
    expect(write.keys.map((k) => k.split('#')[0]).sort()).toEqual(['client', 'ip', 'network', 'username']);
    expect(write.login).toEqual({
      outcome: 'failure',
      unknownUser: true,
      country: 'NL',
      method: 'password',
      asn: 1136,
    });
    expect(write.observation).toMatchObject({ outcome: 'failure', failureReason: 'unknown_user' });
    expect(write.observation).not.toHaveProperty('subject');
  });

  it('keeps how a login signed in: the MFA step of a two-step login', () => {
    // Prepare
    const facts = factsOf(
      aLogin({ login: { method: 'mfa', outcome: 'failure', failureReason: 'mfa_failed' } }),
    );

    // Act
    const write = writeOf(facts);

    // Assess
    expect(write.observation).toMatchObject({
      outcome: 'failure',
      failureReason: 'mfa_failed',
      method: 'mfa',
    });
  });

  it('writes a login from an address without location with no country', () => {
    // Prepare
    const facts = factsOf(aFailedLogin('bad_password', { ip: '10.1.2.3' }));

    // Act
    const write = writeOf(facts);

    // Assess
    expect(write.login).toEqual({
      outcome: 'failure',
      unknownUser: false,
      method: 'password',
      agent: 'chrome 130',
    });
    expect(write.observation).not.toHaveProperty('country');
  });

  it.each([
    ['a logged-in page view', aBrowse(), ['client', 'ip', 'subject']],
    ['an anonymous page view', aBrowse({ customerId: undefined }), ['client', 'ip']],
    [
      'a page view with device and user agent (kept out of browse)',
      aBrowse({ deviceId: 'd-7f3a', userAgent: CHROME_UA }),
      ['client', 'ip', 'subject'],
    ],
    ['a search', EVENTS.search, ['client', 'ip', 'subject']],
  ])('writes %s only to its subject, ip and client profiles', (_what, event, kinds) => {
    // Prepare
    const facts = factsOf(event);

    // Act
    const write = writeOf(facts);

    // Assess
    expect(write.keys.map((k) => k.split('#')[0]).sort()).toEqual(kinds);
    expect(write.login).toBeUndefined();
  });

  it('writes an order to its subject, ip, network, client, device, payment and address profiles', () => {
    // Prepare
    const p = testPseudonymiser();
    const event = anOrder({
      sessionId: 's-91',
      order: { paymentFingerprint: 'pf-1', shippingAddressId: 'a-1' },
    });
    const facts = factsOf(event, p);

    // Act
    const write = writeOf(facts);

    // Assess
    expect(sorted(write.keys)).toEqual(
      sorted([
        profileKey('subject', p.of('subject', 'C1000231')),
        profileKey('ip', p.of('ip', '145.53.12.7')),
        profileKey('network', p.of('network', '145.53.12.0/24')),
        profileKey('client', p.of('session', 's-91')),
        profileKey('device', p.of('device', 'd-7f3a')),
        profileKey('payment', p.of('payment', 'pf-1')),
        profileKey('address', p.of('address', 'a-1')),
      ]),
    );
    expect(write.login).toBeUndefined();
    expect(write.observation).toMatchObject({
      kind: 'order',
      amountMinor: 4995,
      payment: p.of('payment', 'pf-1'),
      address: p.of('address', 'a-1'),
      accountAgeDays: 2092,
    });
  });

  it('lists every profile once', () => {
    // Prepare
    const events = [...Object.values(EVENTS), aFailedLogin('locked')];

    // Act
    const keyLists = events.map((e) => profileKeysOf(factsOf(e)));

    // Assess
    for (const keys of keyLists) expect(new Set(keys).size).toBe(keys.length);
  });

  it('stores a browse as a search when it has a search query, even of kind page', () => {
    // Prepare
    const facts = factsOf(aBrowse({ browse: { kind: 'page', searchQuery: 'x' } }));

    // Act
    const kind = signalKindOf(facts);

    // Assess
    expect(kind).toBe('search');
  });

  it('marks a probing path, without keeping the path', () => {
    // Prepare
    const facts = factsOf(aBrowse({ customerId: undefined, browse: { path: '/wp-login.php' } }));

    // Act
    const { observation } = writeOf(facts);

    // Assess
    expect(observation.probe).toBe(true);
    expect(JSON.stringify(observation)).not.toContain('wp-login');
  });

  it('marks a hosting address, without naming the provider', () => {
    // Prepare
    const facts = factsOf(aLogin({ ip: '51.15.103.162' }));

    // Act
    const { observation } = writeOf(facts);

    // Assess
    expect(observation.hosting).toBe(true);
    expect(JSON.stringify(observation)).not.toContain('Scaleway');
  });
  it('keeps the score of a flagged event, and marks a denied one', () => {
    // Prepare
    const facts = factsOf(aLogin());

    // Act
    const [allowed, reviewed, denied] = (['allow', 'review', 'deny'] as const).map(
      (outcome) => writeOf(facts, resolveConfig(), outcome).observation,
    );

    // Assess
    expect(allowed).not.toHaveProperty('flagScore');
    expect(allowed).not.toHaveProperty('denied');
    expect(reviewed).not.toHaveProperty('denied');
    expect(reviewed!.flagScore).toBe(50);
    expect(denied!.denied).toBe(true);
  });

  it.each([
    ['a link to other accounts that flags alone', 'NEW_ACCOUNTS_SHARED_SOURCE', 40, true],
    ['a link too weak to flag alone', 'NEW_ACCOUNTS_SHARED_SOURCE', 39, false],
    ['a flag of another kind', 'LOGIN_RISK', 60, false],
    ['the ring carried from earlier in the session', 'RING_SESSION', 40, false],
    ['suspicion carried from an earlier flag', 'CARRIED_SUSPICION', 40, false],
    ['an unfamiliar sign-in carried to the address book', 'ADDRESS_CHANGE_AFTER_SIGN_IN', 40, false],
  ] as const)('marks the observation ring for %s', (_label, code, points, ring) => {
    // Prepare
    const facts = factsOf(aLogin());
    const reasons = [{ code, points, message: 'm', evidence: {} }];

    // Act
    const { observation } = writeOf(facts, resolveConfig(), 'review', reasons);

    // Assess
    expect(observation.ring === true).toBe(ring);
  });

  it("keeps a successful login's unfamiliarity, the points its unfamiliar-login reasons added", () => {
    // Prepare
    const reasons = [
      { code: 'TAKEOVER_SIGN_IN' as const, points: 31, message: 'm', evidence: {} },
      {
        code: 'NEW_DEVICE' as const,
        points: 0,
        within: 'TAKEOVER_SIGN_IN' as const,
        message: 'm',
        evidence: {},
      },
      { code: 'HOSTING_NETWORK' as const, points: 10, message: 'm', evidence: {} },
    ];

    // Act
    const success = writeOf(factsOf(aLogin()), resolveConfig(), 'allow', reasons).observation;
    const failure = writeOf(
      factsOf(aFailedLogin('bad_password')),
      resolveConfig(),
      'allow',
      reasons,
    ).observation;
    const familiar = writeOf(factsOf(aLogin())).observation;

    // Assess
    expect(success.unfamiliar).toBe(31);
    expect(failure).not.toHaveProperty('unfamiliar');
    expect(familiar).not.toHaveProperty('unfamiliar');
  });

  it("marks it ring by RING_SESSION's minLinkPoints, not by a lowered review threshold", () => {
    // Prepare
    const facts = factsOf(aLogin());
    const config = resolveConfig({ thresholds: { review: 20, deny: 80 } });
    const reasons = [{ code: 'DEVICE_MANY_ACCOUNTS' as const, points: 35, message: 'm', evidence: {} }];

    // Act
    const { observation } = writeOf(facts, config, 'review', reasons);

    // Assess
    expect(observation).not.toHaveProperty('ring');
  });
});

describe('observe: no raw identifiers', () => {
  const RAW = [
    'C1000231',
    'anna@example.nl',
    '145.53.12.7',
    '145.53.12.',
    'd-7f3a',
    's-91',
    'pf-4111-card-token',
    'addr-77-amstel',
    'glasvezel 1000 mbit',
    'Chrome/130.0',
    'O-88121',
    '/glasvezel/abonnementen',
    '/zoeken',
  ];

  it.each([
    ['login', aLogin({ sessionId: 's-91', userAgent: CHROME_UA })],
    ['failed login', aFailedLogin('bad_password', { sessionId: 's-91', userAgent: CHROME_UA })],
    ['browse', aBrowse({ userAgent: CHROME_UA, deviceId: 'd-7f3a' })],
    ['search', aBrowse({ browse: { kind: 'search', path: '/zoeken', searchQuery: 'glasvezel 1000 mbit' } })],
    [
      'order',
      anOrder({
        sessionId: 's-91',
        userAgent: CHROME_UA,
        order: { paymentFingerprint: 'pf-4111-card-token', shippingAddressId: 'addr-77-amstel' },
      }),
    ],
  ])('the %s write holds pseudonyms only', (_what, event) => {
    // Prepare
    const facts = factsOf(event);

    // Act
    const write = writeOf(facts);

    // Assess
    const text = JSON.stringify(write).toLowerCase();
    expect(RAW.filter((raw) => text.includes(raw.toLowerCase()))).toEqual([]);
  });
});
