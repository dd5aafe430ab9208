import { describe, expect, it } from 'vitest';
import { successAfterFailures } from '../../../src/rules/behaviour/success-after-failures.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = { ...successAfterFailures.defaults, points: 40, windowMinutes: 60, minFailures: 10 };

/** A failed login of the default username, `msAgo` before the event. */
const failure = (msAgo: number): Observation =>
  anObservation({ at: FACT_AT - msAgo, outcome: 'failure', failureReason: 'bad_password' });

/** `n` failed logins a minute apart, the newest `newestMinutesAgo` minutes before the event. */
const failures = (n: number, newestMinutesAgo = 1): Observation[] =>
  Array.from({ length: n }, (_, i) => failure(minutes(newestMinutesAgo + i)));

describe('SUCCESS_AFTER_FAILURES', () => {
  it('fires on a success right after minFailures consecutive failures', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { username: failures(10) }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'login succeeded after 10 consecutive failures',
      evidence: { failures: 10, windowMinutes: 60 },
    });
  });

  it('does not fire after one failure fewer', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { username: failures(9) }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts only the streak since the last success', () => {
    // Prepare
    const event = aLoginFact();
    const brokenBySuccess = [
      ...failures(6, 20),
      anObservation({ at: FACT_AT - minutes(10) }),
      ...failures(6, 1),
    ];
    const view = new ProfileView(aSnapshot(event, { username: brokenBySuccess }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('is not reset by a success before the streak', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(
      aSnapshot(event, { username: [anObservation({ at: FACT_AT - minutes(30) }), ...failures(12)] }),
    );

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { failures: 12 } });
  });

  it('ends the streak at the window: older failures do not count', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { username: [failure(minutes(60) + 1), ...failures(9)] }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores a success recorded after the event', () => {
    // Prepare
    const event = aLoginFact();
    const later = anObservation({ at: FACT_AT + minutes(1) });
    const view = new ProfileView(aSnapshot(event, { username: [...failures(10), later] }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { failures: 10 } });
  });

  it('does not score a failed login', () => {
    // Prepare
    const event = aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });
    const view = new ProfileView(aSnapshot(event, { username: failures(20) }));

    // Act
    const finding = successAfterFailures.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
