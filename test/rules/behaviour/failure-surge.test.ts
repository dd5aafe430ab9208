import { describe, expect, it } from 'vitest';
import { failureSurge } from '../../../src/rules/behaviour/failure-surge.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { GlobalBucket } from '../../../src/shared/profile.ts';
import { FACT_AT, aGlobalBucket, aLoginFact, aSnapshot } from '../../factories/facts.ts';

const S = {
  ...failureSurge.defaults,
  points: 25,
  recentMinutes: 60,
  baselineHours: 24,
  minRecentUnknown: 10,
  minRatio: 4,
};

const anUnknownUserLogin = () =>
  aLoginFact({ subject: undefined, login: { outcome: 'failure', failureReason: 'unknown_user' } });

/** The hour bucket starting `hoursAgo` hours before the event. */
const bucket = (hoursAgo: number, logins: number, unknownUserFailures: number): GlobalBucket =>
  aGlobalBucket({ start: FACT_AT - minutes(60 * hoursAgo), logins, unknownUserFailures });

/*
 * Laplace-smoothed shares: recent (15 + 1) / (62 + 2) = 0.25 and baseline
 * (15 + 1) / (254 + 2) = 0.0625, a ratio of exactly 4.
 */
const RECENT = bucket(1, 62, 15);
const BASELINE = bucket(2, 254, 15);

describe('UNKNOWN_USER_SURGE', () => {
  it("fires when the recent share of unknown-username logins is minRatio times the baseline's", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, [BASELINE, RECENT]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'unknown-username logins are 4.0x their usual share over the last 60 min',
      evidence: { recentUnknown: 15, recentLogins: 62, recentShare: 0.25, baselineShare: 0.063 },
    });
  });

  it('does not fire just below minRatio', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, [bucket(2, 254, 16), RECENT]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('needs minRecentUnknown unknown-username failures in the recent window', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const baseline = bucket(2, 1000, 10);
    const atThreshold = new ProfileView(aSnapshot(event, {}, [baseline, bucket(1, 40, 10)]));
    const below = new ProfileView(aSnapshot(event, {}, [baseline, bucket(1, 40, 9)]));

    // Act
    const fired = failureSurge.evaluate(event, atThreshold, S);
    const quiet = failureSurge.evaluate(event, below, S);

    // Assess
    expect(fired).toMatchObject({ evidence: { recentUnknown: 10, recentLogins: 40 } });
    expect(quiet).toBeUndefined();
  });

  it('adds up every bucket of the recent window and of the baseline', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const buckets = [bucket(3, 127, 7), bucket(2, 127, 8), bucket(1, 31, 7), bucket(0, 31, 8)];
    const view = new ProfileView(aSnapshot(event, {}, buckets));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      evidence: { recentUnknown: 15, recentLogins: 62, recentShare: 0.25, baselineShare: 0.063 },
    });
  });

  it('leaves buckets before the baseline out', () => {
    // Prepare
    const event = anUnknownUserLogin();
    // Counted, this bucket would lift the baseline share far above the recent one.
    const tooOld = bucket(26, 10, 1000);
    const view = new ProfileView(aSnapshot(event, {}, [tooOld, BASELINE, RECENT]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { baselineShare: 0.063 } });
  });

  it('counts a bucket starting exactly baselineHours before the recent window', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, [bucket(25, 1000, 1000), BASELINE, RECENT]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('leaves buckets that start after the event out', () => {
    // Prepare
    const event = anUnknownUserLogin();
    // Counted, this bucket would dilute the recent share below the baseline.
    const later = aGlobalBucket({ start: FACT_AT + 1, logins: 100_000, unknownUserFailures: 0 });
    const view = new ProfileView(aSnapshot(event, {}, [BASELINE, RECENT, later]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { recentLogins: 62 } });
  });

  it('stays quiet without a baseline: the smoothed share of an empty baseline is 1/2', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, [bucket(1, 100, 100)]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it.each([
    ['a failure for a known username', { outcome: 'failure', failureReason: 'bad_password' }],
    ['a successful login', { outcome: 'success' }],
  ] as const)('does not score %s', (_label, login) => {
    // Prepare
    const event = aLoginFact({ login });
    const view = new ProfileView(aSnapshot(event, {}, [BASELINE, RECENT]));

    // Act
    const finding = failureSurge.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
