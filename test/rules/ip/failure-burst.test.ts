import { describe, expect, it } from 'vitest';
import { failureBurst } from '../../../src/rules/ip/failure-burst.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';

const S = {
  ...failureBurst.defaults,
  points: 25,
  windowMinutes: 10,
  minIpFailures: 8,
  minNetworkFailures: 15,
};

/** `n` failed logins of different usernames, 20 s apart, the newest 20 s before the event. */
const failures = (n: number): Observation[] =>
  Array.from({ length: n }, (_, i) =>
    anObservation({
      at: FACT_AT - (i + 1) * 20_000,
      username: pseudonym(`username-${i + 2}`),
      outcome: 'failure',
      failureReason: 'unknown_user',
      subject: undefined,
    }),
  );

const aFailedLogin = () => aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });

describe('FAILURE_BURST', () => {
  it('fires at minIpFailures from one address, counting the failed login being scored', () => {
    // Prepare
    const event = aFailedLogin();
    const burst = failures(7);
    const view = new ProfileView(aSnapshot(event, { ip: burst, network: burst }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '8 failed logins from this address within 10 min',
      evidence: { scope: 'address', failures: 8, windowMinutes: 10 },
    });
  });

  it('does not fire one failure below minIpFailures', () => {
    // Prepare
    const event = aFailedLogin();
    const burst = failures(6);
    const view = new ProfileView(aSnapshot(event, { ip: burst, network: burst }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('scores a successful login from an address that just failed minIpFailures times', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: failures(8) }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { scope: 'address', failures: 8 } });
  });

  it('does not count the successful login being scored as a failure', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: failures(7) }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('fires at minNetworkFailures spread over the addresses of one network', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: failures(2), network: failures(14) }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '15 failed logins from this network within 10 min',
      evidence: { scope: 'network', failures: 15, windowMinutes: 10 },
    });
  });

  it('does not fire one network failure below minNetworkFailures', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: failures(2), network: failures(13) }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('reports the address scope when the address alone qualifies, even if its network has more', () => {
    // Prepare
    const event = aFailedLogin();
    const view = new ProfileView(aSnapshot(event, { ip: failures(7), network: failures(30) }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { scope: 'address', failures: 8 } });
  });

  it('does not count successful logins', () => {
    // Prepare
    const event = aFailedLogin();
    const successes = Array.from({ length: 10 }, (_, i) => anObservation({ at: FACT_AT - i * 1000 - 500 }));
    const view = new ProfileView(aSnapshot(event, { ip: [...failures(6), ...successes] }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores failures older than the window and later than the event', () => {
    // Prepare
    const event = aFailedLogin();
    const [old, later] = failures(2);
    const outside = [
      { ...old!, at: FACT_AT - minutes(10) - 1 },
      { ...later!, at: FACT_AT + minutes(1) },
    ];
    const view = new ProfileView(aSnapshot(event, { ip: [...failures(6), ...outside] }));

    // Act
    const finding = failureBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
