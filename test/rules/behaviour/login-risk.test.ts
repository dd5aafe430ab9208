import { describe, expect, it } from 'vitest';
import { loginRisk } from '../../../src/rules/behaviour/login-risk.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  aGlobalBucket,
  aLoginFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';

const S = {
  ...loginRisk.defaults,
  points: 0,
  attackerCountries: 40,
  attackerNewShare: 0.9,
  userBackoff: 2,
  countryPseudoCount: 0.05,
  offset: 3,
  pointsPerNat: 10,
  maxPoints: 60,
  egressCountries: 3,
};

/** The shop's logins: 95% from NL, 5% from BE, none from anywhere else. */
const SHOP = [aGlobalBucket({ countries: { NL: 950, BE: 50 } })];

const HO_CHI_MINH = { country: 'VN', lat: 10.82, lon: 106.63, accuracyKm: 50 };
const BRUSSELS = { country: 'BE', lat: 50.85, lon: 4.35, accuracyKm: 20 };

/** `n` successful logins of the default customer from Amsterdam on the default device and network, a day apart. */
const usualLogins = (n: number): Observation[] =>
  Array.from({ length: n }, (_, i) => anObservation({ at: FACT_AT - minutes(24 * 60 * (i + 1)) }));

/*
 * A customer without history from VN, where the shop has no logins:
 * country ln((1/40) / (0.05 / (1000 + 0.05 × 249))) = 6.23, and a new network
 * and a new device each ln(0.9 / (1/2)) = 0.59: 7.40 nats, (7.40 - 3) × 10 = 44 points.
 */
const COLD_FROM_VN = {
  message: 'login is 1,640x likelier from an attacker than from this customer (0 earlier events)',
  evidence: { llr: 7.4, history: 0, country: 6.23, network: 0.59, device: 0.59, countryCode: 'VN' },
  points: 44,
};

describe('LOGIN_RISK', () => {
  it("stays quiet for a new customer from the shop's dominant country", () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, {}, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("stays quiet for a new customer from the shop's minority country", () => {
    // Prepare
    const event = aLoginFact({ geo: BRUSSELS });
    const view = new ProfileView(aSnapshot(event, {}, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('scores a new customer from a country the shop never sees', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const view = new ProfileView(aSnapshot(event, {}, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual(COLD_FROM_VN);
  });

  it('scores a login from a known device lower than one from a new device', () => {
    // Prepare
    const known = aLoginFact({ geo: HO_CHI_MINH });
    const fresh = aLoginFact({ geo: HO_CHI_MINH, device: pseudonym('device-2') });
    const history = { subject: usualLogins(4) };

    // Act
    const onKnown = loginRisk.evaluate(known, new ProfileView(aSnapshot(known, history, SHOP)), S);
    const onFresh = loginRisk.evaluate(fresh, new ProfileView(aSnapshot(fresh, history, SHOP)), S);

    // Assess
    expect(onKnown).toEqual({
      message: 'login is 34x likelier from an attacker than from this customer (4 earlier events)',
      evidence: { llr: 3.53, history: 4, country: 7.33, network: -1.9, device: -1.9, countryCode: 'VN' },
      points: 5,
    });
    expect(onFresh).toEqual({
      message: 'login is 615x likelier from an attacker than from this customer (4 earlier events)',
      evidence: { llr: 6.42, history: 4, country: 7.33, network: -1.9, device: 0.99, countryCode: 'VN' },
      points: 34,
    });
  });

  it('expects a customer its history places in many countries to turn up in another one', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const places = ['NL', 'US', 'GB', 'DE', 'IE'].map((country, i) =>
      anObservation({ at: FACT_AT - minutes(24 * 60 * (i + 1)), country }),
    );
    const homebody = usualLogins(5);

    // Act
    const [roaming, home] = [places, homebody].map((subject) =>
      loginRisk.evaluate(event, new ProfileView(aSnapshot(event, { subject }, SHOP)), S),
    );

    // Assess: 4 countries beyond the first put 4/40 of mass on anywhere, 1/40 of it on VN:
    // ln((1/40) / (0.1 / 11)) = 1.01 nats; the customer always in NL has none: 7.48 nats
    expect(roaming).toBeUndefined();
    expect(home).toMatchObject({ evidence: { country: 7.48 } });
  });

  it('leaves the country out on a network placed in egressCountries countries or more', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const relay = ['NL', 'US', 'GB'].map((country) =>
      anObservation({ subject: pseudonym('subject-7'), country }),
    );
    const view = new ProfileView(aSnapshot(event, { subject: usualLogins(5), network: relay }, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('caps the points at maxPoints', () => {
    // Prepare
    const event = aLoginFact({
      geo: HO_CHI_MINH,
      device: pseudonym('device-2'),
      ip: { network: pseudonym('network-2') },
    });
    const view = new ProfileView(aSnapshot(event, { subject: usualLogins(10) }, SHOP));

    // Act
    const capped = loginRisk.evaluate(event, view, S);
    const uncapped = loginRisk.evaluate(event, view, { ...S, maxPoints: 100 });

    // Assess
    expect(capped).toMatchObject({ points: 60, evidence: { llr: 11.39 } });
    expect(uncapped).toMatchObject({ points: 84, evidence: { llr: 11.39 } });
  });

  it('fires from offset nats on: 0.05 nats above it rounds to 1 point, below it nothing', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const view = new ProfileView(aSnapshot(event, {}, SHOP));

    // Act
    const above = loginRisk.evaluate(event, view, { ...S, offset: 7.35 });
    const below = loginRisk.evaluate(event, view, { ...S, offset: 7.45 });

    // Assess
    expect(above).toMatchObject({ points: 1 });
    expect(below).toBeUndefined();
  });

  it('does not learn from failed logins, which may be the attacker', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const attempts = usualLogins(4).map((o) => ({
      ...o,
      ...HO_CHI_MINH,
      outcome: 'failure' as const,
      failureReason: 'bad_password' as const,
    }));
    const view = new ProfileView(aSnapshot(event, { subject: attempts }, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual(COLD_FROM_VN);
  });

  it('ignores observations later than the event', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const later = usualLogins(4).map((o, i) => ({ ...o, ...HO_CHI_MINH, at: FACT_AT + minutes(i + 1) }));
    const view = new ProfileView(aSnapshot(event, { subject: later }, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual(COLD_FROM_VN);
  });

  it('ignores shop-wide buckets that start after the event', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const later = aGlobalBucket({ start: FACT_AT + 1, countries: { VN: 10_000 } });
    const view = new ProfileView(aSnapshot(event, {}, [...SHOP, later]));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual(COLD_FROM_VN);
  });

  it("uses the username's history when the login has no customer", () => {
    // Prepare
    const event = aLoginFact({ subject: undefined, geo: HO_CHI_MINH });
    const view = new ProfileView(aSnapshot(event, { username: usualLogins(4) }, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ points: 5, evidence: { history: 4, device: -1.9 } });
  });

  it('weighs the user agent when there is no device id', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH, device: undefined });
    const view = new ProfileView(aSnapshot(event, {}, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      ...COLD_FROM_VN,
      evidence: { llr: 7.4, history: 0, country: 6.23, network: 0.59, userAgent: 0.59, countryCode: 'VN' },
    });
  });

  it('takes the country from all signed-in history but network and device novelty from logins only', () => {
    // Prepare
    const event = aLoginFact({ geo: HO_CHI_MINH });
    const browsing = usualLogins(4).map((o) => ({ ...o, kind: 'browse' as const, outcome: undefined }));
    const view = new ProfileView(aSnapshot(event, { subject: browsing }, SHOP));

    // Act
    const finding = loginRisk.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      points: 55,
      evidence: { llr: 8.5, history: 4, country: 7.33, network: 0.59, device: 0.59 },
    });
  });
});
