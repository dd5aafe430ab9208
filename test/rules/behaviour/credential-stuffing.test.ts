import { describe, expect, it } from 'vitest';
import { credentialStuffing } from '../../../src/rules/behaviour/credential-stuffing.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';

const S = {
  ...credentialStuffing.defaults,
  points: 40,
  windowMinutes: 60,
  minUsernames: 3,
  minNetworkUsernames: 5,
};

/** A failed login of `username-<n>`, `msAgo` before the event. */
const failureOf = (n: number, msAgo = minutes(n)): Observation =>
  anObservation({
    at: FACT_AT - msAgo,
    username: pseudonym(`username-${n}`),
    outcome: 'failure',
    failureReason: 'bad_password',
  });

/** Failed logins of `count` other usernames (username-2, username-3, …), a minute apart. */
const othersFailing = (count: number): Observation[] =>
  Array.from({ length: count }, (_, i) => failureOf(i + 2));

/** `count` successful logins of other usernames (username-100, …). */
const othersSucceeding = (count: number): Observation[] =>
  Array.from({ length: count }, (_, i) =>
    anObservation({ at: FACT_AT - minutes(30) - i * 1000, username: pseudonym(`username-${100 + i}`) }),
  );

const aFailedLogin = () => aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });

describe('CREDENTIAL_STUFFING', () => {
  it('fires when minUsernames distinct usernames, the current one included, fail from one address', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: othersFailing(2) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 different usernames failed from this address within 60 min',
      evidence: { source: 'ip', usernames: 3, failureRatio: 1, windowMinutes: 60 },
    });
  });

  it('does not fire with one username fewer', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: othersFailing(1), device: othersFailing(1) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts the current username once when it also failed before', () => {
    // Prepare
    const event = aFailedLogin();
    const sameUser = anObservation({ at: FACT_AT - minutes(5), outcome: 'failure' });
    const view = new ProfileView(aSnapshot(event, { ip: [...othersFailing(1), sameUser] }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('fires for a device that many usernames fail from', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { device: othersFailing(2) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 different usernames failed from this device within 60 min',
      evidence: { source: 'device', usernames: 3, failureRatio: 1, windowMinutes: 60 },
    });
  });

  it('needs minNetworkUsernames for a network', () => {
    // Prepare
    const event = aFailedLogin();
    const atThreshold = new ProfileView(aSnapshot(event, { network: othersFailing(4) }));
    const below = new ProfileView(aSnapshot(event, { network: othersFailing(3) }));

    // Act
    const fired = credentialStuffing.evaluate(event, atThreshold, S);
    const quiet = credentialStuffing.evaluate(event, below, S);

    // Assess
    expect(fired).toEqual({
      message: '5 different usernames failed from this network within 60 min',
      evidence: { source: 'network', usernames: 5, failureRatio: 1, windowMinutes: 60 },
    });
    expect(quiet).toBeUndefined();
  });

  it('does not count usernames per user-agent string, which honest customers share', () => {
    // Prepare: ten other usernames failed with this browser string within minutes.
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { userAgent: othersFailing(10) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not need the failure ratio for an address', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: [...othersFailing(2), ...othersSucceeding(20)] }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 different usernames failed from this address within 60 min',
      evidence: { source: 'ip', usernames: 3, failureRatio: 0.13, windowMinutes: 60 },
    });
  });

  it('reports the address before the network when both qualify', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: othersFailing(2), network: othersFailing(6) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { source: 'ip', usernames: 3 } });
  });

  it('ignores failures older than the window and later than the event', () => {
    // Prepare
    const event = aFailedLogin();
    const old = failureOf(2, minutes(60) + 1);
    const later = failureOf(3, -minutes(1));
    const view = new ProfileView(aSnapshot(event, { ip: [old, later, failureOf(4)] }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts a failure exactly windowMinutes old', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: [failureOf(2, minutes(60)), failureOf(4)] }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { source: 'ip', usernames: 3 } });
  });

  it('does not score a successful login', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: othersFailing(10) }));

    // Act
    const finding = credentialStuffing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
