import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../src/rules/behaviour/brute-force.ts';
import { decide } from '../../src/rules/decide.ts';
import { RULES } from '../../src/rules/index.ts';
import { BASE_RULESET_VERSION, resolveConfig } from '../../src/rules/config.ts';
import {
  type FactsOverrides,
  FACT_AT,
  aBrowseFact,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../factories/facts.ts';

const OVH = { kind: 'hosting' as const, name: 'OVH', asn: 16276 };

/**
 * A page view that fires exactly three rules: HOSTING_NETWORK, NON_PUBLIC_IP
 * and (no user agent) BOT_USER_AGENT, with the points set in {@link POINTS}.
 */
const aSuspiciousPageView = (overrides: FactsOverrides = {}) =>
  aBrowseFact({ hosting: OVH, ip: { range: 'reserved' }, userAgent: undefined, ...overrides });

const POINTS = {
  HOSTING_NETWORK: { points: 10 },
  NON_PUBLIC_IP: { points: 10 },
  BOT_USER_AGENT: { missingPoints: 35 },
};

const REASONS = {
  hosting: {
    code: 'HOSTING_NETWORK',
    points: 10,
    message: 'client address is in a hosting network (OVH)',
    evidence: { provider: 'OVH', asn: 16276 },
  },
  nonPublic: {
    code: 'NON_PUBLIC_IP',
    points: 10,
    message: 'client address is reserved, not a public address',
    evidence: { range: 'reserved' },
  },
  noUserAgent: {
    code: 'BOT_USER_AGENT',
    points: 35,
    message: 'page request without a user agent',
    evidence: { userAgent: 'missing' },
  },
};

describe('decide', () => {
  it('adds up the points of the reasons, listed in ruleset order', () => {
    // Prepare
    const event = aSuspiciousPageView();
    const config = resolveConfig({ thresholds: { review: 40, deny: 80 }, rules: POINTS });

    // Act
    const decision = decide(event, aSnapshot(event), config);

    // Assess
    expect(decision).toEqual({
      eventId: event.eventId,
      eventType: 'browse',
      score: 55,
      decision: 'review',
      reasons: [REASONS.hosting, REASONS.nonPublic, REASONS.noUserAgent],
      rulesetVersion: config.rulesetVersion,
    });
  });

  it('caps the score at 100 but keeps every reason at its own points', () => {
    // Prepare
    const event = aSuspiciousPageView();
    const config = resolveConfig({ rules: { ...POINTS, BOT_USER_AGENT: { missingPoints: 90 } } });

    // Act
    const decision = decide(event, aSnapshot(event), config);

    // Assess
    expect(decision.score).toBe(100);
    expect(decision.decision).toBe('deny');
    expect(decision.reasons.map((r) => r.points)).toEqual([10, 10, 90]);
  });

  /** Only these rules enabled, at these points. */
  const only = (points: Record<string, number>) =>
    resolveConfig({
      rules: Object.fromEntries(
        RULES.map((r) => [r.code, r.code in points ? { points: points[r.code]! } : { enabled: false }]),
      ),
    });

  /**
   * A refused second factor after `n` refused ones of the same account, from an address that also
   * refused another account's: BRUTE_FORCE and FAILURE_BURST both read those failures.
   */
  const aRepeatedFailure = (n: number) => {
    const refused = { outcome: 'failure', failureReason: 'mfa_failed' } as const;
    const event = aLoginFact({ login: refused });
    const earlier = Array.from({ length: n }, (_, i) =>
      anObservation({ at: FACT_AT - (i + 1) * 20_000, ...refused }),
    );
    const other = anObservation({ at: FACT_AT - 5_000, username: pseudonym('u-other'), ...refused });
    return { event, snapshot: aSnapshot(event, { username: earlier, ip: [...earlier, other] }) };
  };

  it('counts evidence once: of one group only the strongest reason adds points', () => {
    // Prepare: 10 refusals of one account and one of another from one address.
    const { event, snapshot } = aRepeatedFailure(9);
    const config = only({ BRUTE_FORCE: 25, FAILURE_BURST: 30 });

    // Act
    const decision = decide(event, snapshot, config);

    // Assess: brute force grows with the failures (25 + 10 per failure beyond 5, up to 80).
    expect(decision.score).toBe(75);
    expect(decision.reasons.map(({ code, points, within }) => ({ code, points, within }))).toEqual([
      { code: 'FAILURE_BURST', points: 0, within: 'BRUTE_FORCE' },
      { code: 'BRUTE_FORCE', points: 75, within: undefined },
    ]);
  });

  it('keeps the first of equally strong reasons of a group, and adds up reasons of different groups', () => {
    // Prepare: 5 refusals of one account, the address in a hosting network (a group-less rule).
    const { event, snapshot } = aRepeatedFailure(4);
    const config = only({ BRUTE_FORCE: 30, FAILURE_BURST: 30, HOSTING_NETWORK: 10 });

    // Act
    const decision = decide({ ...event, hosting: OVH }, snapshot, config);

    // Assess: 5 failures reach BRUTE_FORCE only; with 8 from the address FAILURE_BURST joins.
    expect(decision.score).toBe(40);
    const { event: later, snapshot: more } = aRepeatedFailure(7);
    const both = decide(
      { ...later, hosting: OVH },
      more,
      only({ BRUTE_FORCE: 30, FAILURE_BURST: 60, HOSTING_NETWORK: 10 }),
    );
    expect(both.reasons.map((r) => [r.code, r.points, r.within])).toEqual([
      ['HOSTING_NETWORK', 10, undefined],
      ['FAILURE_BURST', 60, undefined],
      ['BRUTE_FORCE', 0, 'FAILURE_BURST'],
    ]);
    expect(both.score).toBe(70);
  });

  it('allows an ordinary page view with a score of 0 and no reasons', () => {
    // Prepare
    const event = aBrowseFact();

    // Act
    const decision = decide(event, aSnapshot(event), resolveConfig());

    // Assess
    expect(decision).toMatchObject({ score: 0, decision: 'allow', reasons: [] });
  });

  it.each([
    [{ review: 21, deny: 30 }, 'allow'],
    [{ review: 20, deny: 21 }, 'review'],
    [{ review: 10, deny: 20 }, 'deny'],
    [{ review: 20, deny: 20 }, 'deny'],
    [{ review: 21, deny: 101 }, 'allow'],
  ] as const)('maps a score of 20 with thresholds %j to %s', (thresholds, outcome) => {
    // Prepare
    const event = aSuspiciousPageView({ userAgent: { bot: false } });
    const config = resolveConfig({ thresholds, rules: POINTS });

    // Act
    const decision = decide(event, aSnapshot(event), config);

    // Assess
    expect(decision.score).toBe(20);
    expect(decision.decision).toBe(outcome);
  });

  it('reports a shadow rule with shadow: true and 0 points, and leaves it out of the score', () => {
    // Prepare
    const event = aSuspiciousPageView();
    const config = resolveConfig({
      rules: {
        ...POINTS,
        NON_PUBLIC_IP: { points: 10, shadow: true },
        BOT_USER_AGENT: { missingPoints: 35, shadow: true },
      },
    });

    // Act
    const decision = decide(event, aSnapshot(event), config);

    // Assess
    expect(decision.score).toBe(10);
    expect(decision.reasons).toEqual([
      REASONS.hosting,
      { ...REASONS.nonPublic, points: 0, shadow: true },
      { ...REASONS.noUserAgent, points: 0, shadow: true },
    ]);
    expect('shadow' in decision.reasons[0]!).toBe(false);
  });

  it('does not run a disabled rule', () => {
    // Prepare
    const event = aSuspiciousPageView();
    const config = resolveConfig({ rules: { ...POINTS, HOSTING_NETWORK: { enabled: false } } });

    // Act
    const decision = decide(event, aSnapshot(event), config);

    // Assess
    expect(decision.score).toBe(45);
    expect(decision.reasons.map((r) => r.code)).toEqual(['NON_PUBLIC_IP', 'BOT_USER_AGENT']);
  });

  it('runs a rule only for the event types it applies to', () => {
    // Prepare
    const machinePaced = Array.from({ length: 10 }, (_, i) =>
      anObservation({ kind: 'browse', at: FACT_AT - (10 - i) * 2000 }),
    );
    const browse = aBrowseFact();
    const login = aLoginFact();
    const config = resolveConfig();

    // Act
    const onBrowse = decide(browse, aSnapshot(browse, { client: machinePaced }), config);
    const onLogin = decide(login, aSnapshot(login, { client: machinePaced }), config);

    // Assess
    expect(onBrowse.reasons.map((r) => r.code)).toContain('BOT_CADENCE');
    expect(onLogin.reasons.map((r) => r.code)).not.toContain('BOT_CADENCE');
  });

  it.each([
    ['login', aLoginFact],
    ['browse', aBrowseFact],
    ['order', anOrderFact],
  ] as const)('never hands a %s to the rules that read the fields of another type', (type, aFact) => {
    // Prepare
    // (COUNTRY_MISMATCH and the other order rules read `event.order!`, PROBING reads `event.browse!`)
    const event = aFact({ hosting: OVH });
    const applicable = RULES.filter((r) => r.appliesTo.includes(type)).map((r) => r.code);

    // Act
    const decision = decide(event, aSnapshot(event), resolveConfig());

    // Assess
    expect(decision.reasons.map((r) => r.code)).toEqual(['HOSTING_NETWORK']);
    expect(applicable).toContain('HOSTING_NETWORK');
  });

  it.each([
    ['login', aLoginFact],
    ['browse', aBrowseFact],
    ['order', anOrderFact],
  ] as const)('carries the eventId, the eventType and the rulesetVersion of a %s', (type, aFact) => {
    // Prepare
    const event = aFact({ eventId: `ev-${type}` });
    const base = resolveConfig();
    const tuned = resolveConfig({ rules: { BRUTE_FORCE: { minFailures: 7 } } });

    // Act
    const decisions = [decide(event, aSnapshot(event), base), decide(event, aSnapshot(event), tuned)];

    // Assess
    expect(decisions.map((d) => [d.eventId, d.eventType, d.rulesetVersion])).toEqual([
      [`ev-${type}`, type, BASE_RULESET_VERSION],
      [`ev-${type}`, type, tuned.rulesetVersion],
    ]);
    expect(tuned.rulesetVersion).toMatch(
      new RegExp(`^${BASE_RULESET_VERSION.replaceAll('.', '\\.')}\\+[0-9a-f]{8}$`),
    );
  });
});

describe('resolveConfig', () => {
  it('names the same overrides with the same version and different ones with another', () => {
    // Prepare
    const overrides = { rules: { BRUTE_FORCE: { minFailures: 7 } } };

    // Act
    const versions = [
      resolveConfig(overrides).rulesetVersion,
      resolveConfig(structuredClone(overrides)).rulesetVersion,
      resolveConfig({ rules: { BRUTE_FORCE: { minFailures: 8 } } }).rulesetVersion,
    ];

    // Assess
    expect(versions[0]).toBe(versions[1]);
    expect(versions[2]).not.toBe(versions[0]);
  });

  it("applies overrides over the rule's defaults without changing the defaults", () => {
    // Prepare
    const before = { ...bruteForce.defaults };

    // Act
    const tuned = resolveConfig({ rules: { BRUTE_FORCE: { minFailures: 7, shadow: true } } });
    const again = resolveConfig();

    // Assess
    expect(tuned.rules.BRUTE_FORCE).toEqual({ ...before, minFailures: 7, shadow: true });
    expect(again.rules.BRUTE_FORCE).toEqual(before);
    expect(bruteForce.defaults).toEqual(before);
  });

  it.each([
    [{ rules: { NOPE: {} } }, /^rules config: rules\.NOPE: no such rule \(known: HOSTING_NETWORK, /],
    [
      { rules: { BRUTE_FORCE: { nope: 1 } } },
      /^rules config: rules\.BRUTE_FORCE\.nope: no such parameter \(known: enabled, shadow, points, windowMinutes, /,
    ],
    [
      { rules: { BRUTE_FORCE: { enabled: 'yes' } } },
      /^rules config: rules\.BRUTE_FORCE\.enabled: .*expected boolean/,
    ],
    [
      { rules: { BRUTE_FORCE: { shadow: 1 } } },
      /^rules config: rules\.BRUTE_FORCE\.shadow: .*expected boolean/,
    ],
    [
      { rules: { BRUTE_FORCE: { minFailures: '5' } } },
      /^rules config: rules\.BRUTE_FORCE\.minFailures: .*expected number/,
    ],
    [{ rules: { BRUTE_FORCE: { points: 101 } } }, /^rules config: rules\.BRUTE_FORCE\.points: /],
    [{ rules: { BRUTE_FORCE: { points: 2.5 } } }, /^rules config: rules\.BRUTE_FORCE\.points: /],
    [{ thresholds: { review: 90, deny: 80 } }, /^rules config: thresholds: review must not exceed deny$/],
    [{ nope: 1 }, /^rules config: \(root\): .*"nope"/],
  ])('rejects %j naming the field', (overrides, message) => {
    // Prepare
    const input: unknown = overrides;

    // Act
    const resolve = () => resolveConfig(input);

    // Assess
    expect(resolve).toThrow(message);
  });

  // The rule lookup has no prototype, so Object.prototype's members are not rules.
  it.each([['constructor'], ['toString'], ['hasOwnProperty']])('rejects the unknown rule code %s', (code) => {
    // Prepare
    const input = { rules: { [code]: {} } };

    // Act
    const resolve = () => resolveConfig(input);

    // Assess
    expect(resolve).toThrow(`rules config: rules.${code}: no such rule`);
  });
});
