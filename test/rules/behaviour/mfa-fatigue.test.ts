import { describe, expect, it } from 'vitest';
import { mfaFatigue } from '../../../src/rules/behaviour/mfa-fatigue.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  aBrowseFact,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../../factories/facts.ts';

const S = {
  ...mfaFatigue.defaults,
  points: 40,
  minRun: 3,
  minNewPlaceRun: 2,
  windowMinutes: 30,
  pointsPerNat: 15,
  maxPoints: 70,
  successPoints: 80,
  followPoints: 40,
  followMinutes: 240,
};

/** The password step, `minutesAgo` before the event: it succeeds, the second factor is asked next. */
const passwordStep = (minutesAgo: number): Observation =>
  anObservation({ at: FACT_AT - minutes(minutesAgo), method: 'password' });

/** A sign-in of the account a day before, on the event's device and network: its own place. */
const signedInYesterday = (): Observation => anObservation({ at: FACT_AT - minutes(24 * 60) });

/** `n` refused pushes, one a minute, the last `endMinutesAgo` before the event. */
const refused = (n: number, endMinutesAgo = 1): Observation[] =>
  Array.from({ length: n }, (_, i) =>
    anObservation({
      at: FACT_AT - minutes(endMinutesAgo + n - 1 - i),
      outcome: 'failure',
      failureReason: 'mfa_failed',
      method: 'mfa',
    }),
  );

const aRefusedPush = () =>
  aLoginFact({ login: { outcome: 'failure', failureReason: 'mfa_failed', method: 'mfa' } });

describe('MFA_FATIGUE', () => {
  it("adds the first refusal to an unfamiliar password step's points, unless that step was flagged", () => {
    // Prepare
    const event = aRefusedPush();
    const step = (overrides: Partial<Observation>) =>
      anObservation({ at: FACT_AT - minutes(1), method: 'password', ...overrides });
    const evaluate = (o: Observation) =>
      mfaFatigue.evaluate(event, new ProfileView(aSnapshot(event, { username: [o] })), S);

    // Act
    const [unfamiliar, familiar, flagged] = [
      step({ unfamiliar: 25 }),
      step({ unfamiliar: S.minSignInPoints - 1 }),
      step({ unfamiliar: 45, flagScore: 45 }),
    ].map(evaluate);

    // Assess
    expect(unfamiliar).toMatchObject({
      evidence: { refused: 1, signInPoints: 25 },
      points: 25 + S.firstRefusalPoints,
    });
    expect(familiar).toBeUndefined();
    expect(flagged).toBeUndefined();
  });

  it('flags the push that makes a run of minRun refusals', () => {
    // Prepare
    const event = aRefusedPush();
    const view = new ProfileView(
      aSnapshot(event, { username: [signedInYesterday(), passwordStep(10), ...refused(2)] }),
    );

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 second factors refused in a row on this account',
      evidence: { refused: 3, newPlace: false, windowMinutes: 30 },
      points: 40,
    });
  });

  it('lets the points grow with the log of the run, up to maxPoints', () => {
    // Prepare
    const sixth = aRefusedPush();
    const fiftieth = aRefusedPush();
    const view6 = new ProfileView(aSnapshot(sixth, { username: [signedInYesterday(), ...refused(5)] }));
    const view50 = new ProfileView(
      aSnapshot(fiftieth, { username: [signedInYesterday(), ...refused(49, 0)] }),
    );

    // Act
    const points = [mfaFatigue.evaluate(sixth, view6, S), mfaFatigue.evaluate(fiftieth, view50, S)].map(
      (f) => f && f.points,
    );

    // Assess: 40 + 15 ln(6/3) = 50.4; 40 + 15 ln(50/3) = 82 is capped
    expect(points).toEqual([50, 70]);
  });

  it('stays quiet for one or two mistyped codes where the account signed in before', () => {
    // Prepare
    const event = aRefusedPush();
    const view = new ProfileView(
      aSnapshot(event, { username: [signedInYesterday(), passwordStep(5), ...refused(1)] }),
    );

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts only refusals in a row: a successful login in between ends the run', () => {
    // Prepare
    const event = aRefusedPush();
    const view = new ProfileView(
      aSnapshot(event, {
        username: [
          signedInYesterday(),
          ...refused(2, 10),
          anObservation({ at: FACT_AT - minutes(5) }),
          ...refused(1),
        ],
      }),
    );

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts the one-event encoding too: each login attempt failing with mfa_failed', () => {
    // Prepare
    const event = aLoginFact({
      login: { outcome: 'failure', failureReason: 'mfa_failed', method: 'password' },
    });
    const attempts = refused(3).map((o) => ({ ...o, method: 'password' as const }));
    const view = new ProfileView(aSnapshot(event, { username: [signedInYesterday(), ...attempts] }));

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence).toEqual({ refused: 4, newPlace: false, windowMinutes: 30 });
  });

  it('gives successPoints to the approval that ends a run', () => {
    // Prepare
    const event = aLoginFact({ login: { outcome: 'success', method: 'mfa' } });
    const view = new ProfileView(
      aSnapshot(event, { username: [signedInYesterday(), passwordStep(10), ...refused(4)] }),
    );

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'login approved after 4 refused second factors',
      evidence: { refused: 4, newPlace: false, windowMinutes: 30 },
      points: 80,
    });
  });

  it('flags the second refusal when the password step came from a place the account never signed in from', () => {
    // Prepare
    const event = aRefusedPush();
    const elsewhere = anObservation({
      at: FACT_AT - minutes(24 * 60),
      device: pseudonym('device-2'),
      network: pseudonym('network-2'),
    });
    const view = new ProfileView(aSnapshot(event, { username: [elsewhere, passwordStep(5), ...refused(1)] }));

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message:
        '2 second factors refused in a row on this account, from a device and network it never signed in from',
      evidence: { refused: 2, newPlace: true, windowMinutes: 30 },
      points: 40,
    });
  });

  it('does not count the run itself as the place the account signed in from, and gives so short a run its points', () => {
    // Prepare: the password step on this device is the attacker's own, the run's start
    const event = aLoginFact({ login: { outcome: 'success', method: 'mfa' } });
    const elsewhere = anObservation({
      at: FACT_AT - minutes(24 * 60),
      device: pseudonym('device-2'),
      network: pseudonym('network-2'),
    });
    const view = new ProfileView(
      aSnapshot(event, { username: [elsewhere, passwordStep(10), ...refused(2)] }),
    );

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { refused: 2, newPlace: true }, points: 40 });
  });

  it('takes no place as new for an account with no sign-in on record: two refusals are no run yet', () => {
    // Prepare: the customer's first sign-in in the kept history, a code mistyped twice
    const event = aRefusedPush();
    const view = new ProfileView(aSnapshot(event, { username: [passwordStep(5), ...refused(1)] }));

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('stays quiet for a single refusal, even from a new place', () => {
    // Prepare
    const event = aRefusedPush();
    const view = new ProfileView(aSnapshot(event, { username: [passwordStep(5)] }));

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('flags what the session does after such an approval', () => {
    // Prepare
    const event = anOrderFact();
    const approval = anObservation({ at: FACT_AT - minutes(20), method: 'mfa' });
    const session = [
      passwordStep(40),
      ...refused(5, 21),
      approval,
      anObservation({ kind: 'browse', at: FACT_AT - minutes(10) }),
    ];
    const view = new ProfileView(aSnapshot(event, { client: session }));

    // Act
    const finding = mfaFatigue.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'this session signed in 20 min ago by approving a second factor after 5 refusals',
      evidence: { refused: 5, minutesSinceApproval: 20 },
      points: 40,
    });
  });

  it('leaves an ordinary session alone, and one whose approval is older than followMinutes', () => {
    // Prepare
    const event = aBrowseFact();
    const ordinary = new ProfileView(aSnapshot(event, { client: [passwordStep(5)] }));
    const old = new ProfileView(
      aSnapshot(event, {
        client: [...refused(5, 300), anObservation({ at: FACT_AT - minutes(250), method: 'mfa' })],
      }),
    );

    // Act
    const findings = [mfaFatigue.evaluate(event, ordinary, S), mfaFatigue.evaluate(event, old, S)];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });
});
