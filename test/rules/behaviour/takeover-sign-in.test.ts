import { describe, expect, it } from 'vitest';
import { takeoverSignIn } from '../../../src/rules/behaviour/takeover-sign-in.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import type { SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';

const S = {
  ...takeoverSignIn.defaults,
  attackerNewShare: 0.9,
  newContextPrior: 0.45,
  priorWeight: 2,
  tokenNats: 1,
  failedMinutes: 30,
  failedNats: 2,
  dormantDays: 60,
  dormantNats: 1,
  egressDays: 14,
  egressSubjects: 3,
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

    // Assess: one place in 4 sign-ins, no switch: ln(0.9 / ((0 + 2 × 0.45) / (3 + 2))) = 1.61
    expect(finding).toEqual({
      message: "sign-in unlike this customer's: newPlace",
      evidence: { llr: 1.61, newPlace: 1.61 },
      points: 16,
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

    // Assess: 1.61 + 1 + 2 + 1 nats, capped at 60 points
    expect(finding).toEqual({
      message: "sign-in unlike this customer's: newPlace, tokenOnNewDevice, failedFirst, dormant",
      evidence: { llr: 5.61, newPlace: 1.61, tokenOnNewDevice: 1, failedFirst: 2, dormant: 1 },
      points: 56,
    });
  });

  it("takes the customer's own device id in another browser for a copied cookie jar", () => {
    // Prepare
    const event = aLoginFact({
      ip: ATTACKER.ip,
      userAgent: { id: pseudonym('user-agent-9') },
      login: { method: 'token' },
    });
    const view = new ProfileView(aSnapshot(event, { subject: ownSignIns(4) }));

    // Act
    const finding = takeoverSignIn.evaluate(event, view, S);

    // Assess: the new place 1.61 and the token on a browser it was never issued to, 1
    expect(finding && finding.evidence).toEqual({ llr: 2.61, newPlace: 1.61, tokenOnNewDevice: 1 });
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

    // Assess: 3 switches in 3 chances: ln(0.9 / ((3 + 0.9) / (3 + 2))) = 0.14
    expect(finding && finding.points).toBe(1);
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
    expect(finding && finding.points).toBe(16);
  });

  it('stays quiet for a customer without sign-ins and for a failed login', () => {
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
