import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../../src/rules/behaviour/brute-force.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';

const S = {
  ...bruteForce.defaults,
  points: 25,
  windowMinutes: 15,
  minFailures: 5,
  pointsPerExtraFailure: 10,
  maxPoints: 80,
};

/** A failed login of the default username, `msAgo` before the event, from a stranger's address and device. */
const failure = (msAgo: number): Observation =>
  anObservation({
    at: FACT_AT - msAgo,
    outcome: 'failure',
    failureReason: 'bad_password',
    ip: pseudonym('stranger-ip'),
    device: pseudonym('stranger-device'),
    network: pseudonym('stranger-network'),
  });

/** A failed login of the default username from the event's own address and device (the default ones). */
const ownFailure = (msAgo: number): Observation =>
  anObservation({ at: FACT_AT - msAgo, outcome: 'failure', failureReason: 'bad_password' });

/** `n` failed logins of the default username, 30 s apart, the newest 30 s before the event. */
const failures = (n: number): Observation[] => Array.from({ length: n }, (_, i) => failure((i + 1) * 30_000));

const aFailedLogin = () => aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });

describe('BRUTE_FORCE', () => {
  it('counts a stranger guessing slowly over a day, minSlowFailures with no success since', () => {
    // Prepare: a wrong password every eight minutes, never two in fifteen
    const event = aFailedLogin();
    const slow = (n: number) => Array.from({ length: n }, (_, i) => failure((i + 1) * minutes(8)));

    // Act
    const [short, enough] = [S.minSlowFailures - 2, S.minSlowFailures - 1].map((n) =>
      bruteForce.evaluate(event, new ProfileView(aSnapshot(event, { username: slow(n) })), S),
    );

    // Assess
    expect(short).toBeUndefined();
    expect(enough).toMatchObject({
      evidence: { failures: S.minSlowFailures, windowHours: S.slowWindowHours },
      points: S.slowPoints,
    });
  });

  it('starts the slow count again at a success, and leaves the slow retries of an own device alone', () => {
    // Prepare
    const event = aFailedLogin();
    const slow = Array.from({ length: S.minSlowFailures }, (_, i) => failure((i + 1) * minutes(8)));
    const signedInBetween = [
      ...slow.slice(5),
      anObservation({ at: FACT_AT - minutes(41) }),
      ...slow.slice(0, 5),
    ];
    const signedInHereBefore = [anObservation({ at: FACT_AT - minutes(60 * 48) }), ...slow];

    // Act
    const findings = [signedInBetween, signedInHereBefore].map((username) =>
      bruteForce.evaluate(event, new ProfileView(aSnapshot(event, { username })), S),
    );

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('lets a customer retry from their own session up to minOwnerFailures', () => {
    // Prepare
    const event = aFailedLogin();
    const retries = Array.from({ length: S.minOwnerFailures - 2 }, (_, i) => ownFailure((i + 1) * 30_000));
    const view = new ProfileView(aSnapshot(event, { username: retries }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts a retrying customer from minOwnerFailures on', () => {
    // Prepare
    const event = aFailedLogin();
    const retries = Array.from({ length: S.minOwnerFailures - 1 }, (_, i) => ownFailure((i + 1) * 30_000));
    const view = new ProfileView(aSnapshot(event, { username: retries }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence).toEqual({ failures: S.minOwnerFailures, windowMinutes: 15 });
  });

  it('treats failures from a device the account signed in with as its owner retrying', () => {
    // Prepare
    const event = aLoginFact({
      ip: { id: pseudonym('other-ip'), network: pseudonym('other-network') },
      login: { outcome: 'failure', failureReason: 'bad_password' },
    });
    const signedIn = anObservation({ at: FACT_AT - 86_400_000, outcome: 'success' });
    const view = new ProfileView(aSnapshot(event, { username: [signedIn, ...failures(5)] }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('gives no allowance to repeated rejected second factors, even from one session', () => {
    // Prepare
    const event = aLoginFact({ login: { outcome: 'failure', failureReason: 'mfa_failed' } });
    const view = new ProfileView(
      aSnapshot(event, {
        username: [ownFailure(60_000), ownFailure(30_000), ownFailure(20_000), ownFailure(10_000)],
      }),
    );

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(25);
  });

  it('fires at minFailures, counting the failed login being scored', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { username: failures(4) }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '5 failed logins for this account within 15 min',
      evidence: { failures: 5, windowMinutes: 15 },
      points: 25,
    });
  });

  it('does not fire one failure below minFailures', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { username: failures(3) }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it.each([
    [5, 25],
    [6, 35],
    [7, 45],
    [10, 75],
    [11, 80],
    [20, 80],
  ])('gives %d failures %d points: more per extra failure, capped at maxPoints', (total, points) => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { username: failures(total - 1) }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ points, evidence: { failures: total } });
  });

  it('counts a failure exactly windowMinutes old but not one a millisecond older', () => {
    // Prepare
    const event = aFailedLogin();
    const atEdge = new ProfileView(aSnapshot(event, { username: [failure(minutes(15)), ...failures(3)] }));
    const beyond = new ProfileView(
      aSnapshot(event, { username: [failure(minutes(15) + 1), ...failures(3)] }),
    );

    // Act
    const inside = bruteForce.evaluate(event, atEdge, S);
    const outside = bruteForce.evaluate(event, beyond, S);

    // Assess
    expect(inside).toMatchObject({ evidence: { failures: 5 } });
    expect(outside).toBeUndefined();
  });

  it('ignores failures recorded after the event', () => {
    // Prepare
    const event = aFailedLogin();
    const later = [failure(-minutes(1)), failure(-minutes(2))];
    const view = new ProfileView(aSnapshot(event, { username: [...failures(3), ...later] }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not count successful logins in the window', () => {
    // Prepare
    const event = aFailedLogin();
    const successes = [1, 2, 3, 4, 5].map((m) => anObservation({ at: FACT_AT - minutes(m) - 10_000 }));
    const view = new ProfileView(aSnapshot(event, { username: [...failures(3), ...successes] }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not score a successful login, whatever failed before it', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { username: failures(10) }));

    // Act
    const finding = bruteForce.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("reads only the account's own profile, not the failures of other usernames", () => {
    // Prepare
    const event = aFailedLogin();
    const other = aLoginFact({ username: pseudonym('username-2') });
    const snapshot = aSnapshot(other, { username: failures(10) });

    // Act
    const finding = bruteForce.evaluate(event, new ProfileView(snapshot), S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
