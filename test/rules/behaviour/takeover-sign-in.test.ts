import { describe, expect, it } from 'vitest';
import { takeoverSignIn } from '../../../src/rules/behaviour/takeover-sign-in.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import type { SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';
import {
  FACT_AT,
  aGlobalBucket,
  aLoginFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';

const S = {
  ...takeoverSignIn.defaults,
  attackerNewShare: 0.9,
  newPlacePrior: 0.2,
  priorWeight: 2,
  tokenNats: 1,
  tokenDays: 30,
  failedMinutes: 30,
  failedNats: 2,
  dormantDays: 60,
  dormantNats: 1,
  egressDays: 14,
  egressSubjects: 3,
  egressCountries: 3,
  maxCountryNats: 2,
  attackerCountries: 40,
  userBackoff: 2,
  countryPseudoCount: 0.05,
  attackerOffRhythm: 0.5,
  rhythmMinLogins: 500,
  rhythmMaxNats: 2.5,
  offset: 0,
  pointsPerNat: 10,
  maxPoints: 60,
};

const DAY = 24 * 60;
const ATTACKER = { device: pseudonym('device-9'), ip: { network: pseudonym('network-9') } };

/** `n` of the customer's own sign-ins (default device and network), a day apart, the last `fromDays` ago. */
const ownSignIns = (n: number, fromDays = 1): Observation[] =>
  Array.from({ length: n }, (_, i) => anObservation({ at: FACT_AT - minutes(DAY * (fromDays + i)) }));

/** A successful login of another customer from the attacker's network, `minutesAgo` before. */
const otherCustomerThere = (k: number, minutesAgo = 60): Observation =>
  anObservation({
    at: FACT_AT - minutes(minutesAgo),
    subject: pseudonym(`subject-other-${k}`) as SubjectPseudonym,
    device: pseudonym(`device-other-${k}`),
    network: ATTACKER.ip.network,
  });

describe('TAKEOVER_SIGN_IN', () => {
  it('weighs a login from a new device on a new network as one new place', () => {
    // Prepare
    const event = aLoginFact(ATTACKER);
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4) }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: one place in 4 sign-ins, no switch: ln(0.9 / ((0 + 2 × 0.2) / (3 + 2))) = 2.42
    expect(finding).toEqual({
      message: "sign-in unlike this customer's: newPlace",
      evidence: { llr: 2.42, newPlace: 2.42 },
      points: 24,
    });
  });

  it('adds a remember-me token on the new device, wrong passwords just before and a long silence', () => {
    // Prepare
    const event = aLoginFact({ ...ATTACKER, login: { method: 'token' } });
    const failed = anObservation({
      at: FACT_AT - minutes(5),
      device: ATTACKER.device,
      network: ATTACKER.ip.network,
      outcome: 'failure',
      failureReason: 'bad_password',
    });
    const view = new ProfileView(aSnapshot(event, { subject: [...ownSignIns(4, 90), failed] }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: 2.42 + 1 + 2 + 1 nats, capped at 60 points
    expect(finding).toEqual({
      message: "sign-in unlike this customer's: newPlace, tokenOnNewDevice, failedFirst, dormant",
      evidence: { llr: 6.42, newPlace: 2.42, tokenOnNewDevice: 1, failedFirst: 2, dormant: 1 },
      points: 60,
    });
  });

  it("takes the customer's own device id in another browser for a copied cookie jar", () => {
    // Prepare
    const event = aLoginFact({
      ip: ATTACKER.ip,
      userAgent: { id: pseudonym('user-agent-9') },
      login: { method: 'token' },
    });
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4, 30) }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: the new place 2.42 and the token on a browser it was never issued to, 1
    expect(finding && finding.evidence).toEqual({ llr: 3.42, newPlace: 2.42, tokenOnNewDevice: 1 });
  });

  it("leaves a token out while the customer's sign-ins do not reach back over a token's life", () => {
    // Prepare
    const event = aLoginFact({ ...ATTACKER, login: { method: 'token' } });
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4) }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: the token may have been issued before the first sign-in on record
    expect(finding && finding.evidence).toEqual({ llr: 2.42, newPlace: 2.42 });
  });

  it('counts a new device and a new network that came separately as no new place', () => {
    // Prepare: a second device at home, then the laptop at the office
    const event = aLoginFact(ATTACKER);
    const history = [
      ...ownSignIns(2, 3),
      anObservation({ at: FACT_AT - minutes(DAY * 2), device: pseudonym('device-2') }),
      anObservation({ at: FACT_AT - minutes(DAY), network: pseudonym('network-2') }),
    ];
    const view = new ProfileView(aSnapshot(event, { subject: history }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: no switch of both in 3 chances: the full 2.42 nats
    expect(finding && finding.points).toBe(24);
  });

  it("adds a country unlike the customer's, up to maxCountryNats", () => {
    // Prepare
    const event = aLoginFact({
      ...ATTACKER,
      geo: { country: 'VN', lat: 10.82, lon: 106.63, accuracyKm: 50 },
    });
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4) }, [aGlobalBucket()]));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence).toEqual({ llr: 4.42, newPlace: 2.42, newCountry: 2 });
  });

  it('judges an account without sign-ins on record on what makes it worse alone', () => {
    // Prepare: wrong passwords just before, at 03:00, an hour the shop keeps quiet
    const at = FACT_AT - minutes(9 * 60);
    const event = aLoginFact({ ...ATTACKER, at });
    const failed = anObservation({ at: at - minutes(2), outcome: 'failure', failureReason: 'bad_password' });
    const buckets = Array.from({ length: 7 * 24 }, (_, i) => {
      const start = FACT_AT - minutes(60 * (7 * 24 - i));
      return aGlobalBucket({ start, countries: { NL: new Date(start).getUTCHours() < 7 ? 2 : 40 } });
    });
    const view = new ProfileView(aSnapshot(event, { subject: [failed] }, buckets));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: 0.5 nats for the wrong passwords (customers back after long forget theirs), 1.95 for
    // the hour (as in offRhythm's test)
    expect(finding).toEqual({
      message: 'sign-in unlike an account without sign-ins on record: failedFirst, offHours',
      evidence: { llr: 2.45, failedFirst: 0.5, offHours: 1.95 },
      points: 24,
    });
  });

  it('gives less for a customer who often signs in from new places', () => {
    // Prepare
    const event = aLoginFact(ATTACKER);
    const roaming = [1, 2, 3, 4].map((k) =>
      anObservation({
        at: FACT_AT - minutes(DAY * k),
        device: pseudonym(`device-${k}`),
        network: pseudonym(`network-${k}`),
      }),
    );
    const view = new ProfileView(aSnapshot(event, { subject: roaming }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: 3 switches in 3 chances: ln(0.9 / ((3 + 0.4) / (3 + 2))) = 0.28
    expect(finding && finding.points).toBe(3);
  });

  it.each([
    ['a known device on a new network (a traveller)', { ip: { network: pseudonym('network-9') } }],
    ['a new device on a known network (a new phone at home)', { device: pseudonym('device-9') }],
  ])('stays quiet for %s', (_, overrides) => {
    // Prepare
    const event = aLoginFact(overrides);
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4) }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('stays quiet on a network other customers sign in from (an office)', () => {
    // Prepare
    const event = aLoginFact(ATTACKER);
    const view = new ProfileView(
      aSnapshot(event, { subject: ownSignIns(4), network: [1, 2, 3].map((k) => otherCustomerThere(k)) }),
    );

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('still fires when fewer other customers signed in there, or longer ago', () => {
    // Prepare
    const event = aLoginFact(ATTACKER);
    const network = [otherCustomerThere(1), otherCustomerThere(2), otherCustomerThere(3, 15 * DAY)];
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4), network }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(24);
  });

  it('stays quiet for a customer without sign-ins when nothing makes it worse, and for a failed login', () => {
    // Prepare
    const first = aLoginFact(ATTACKER);
    const failed = aLoginFact({ ...ATTACKER, login: { outcome: 'failure', failureReason: 'bad_password' } });

    // Act
    const findings = [
      takeoverSignIn.evaluate(first, new ProfileView(aSnapshot(first)), S),
      takeoverSignIn.evaluate(failed, new ProfileView(aSnapshot(failed, { subject: ownSignIns(4) })), S),
    ];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });
});
