import { describe, expect, it } from 'vitest';
import { stuffingWave } from '../../../src/rules/behaviour/stuffing-wave.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import {
  FACT_AT,
  aGlobalBucket,
  aLoginFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';
import { lastTenSeconds, lastSlot, quietDay } from '../../factories/waves.ts';

const S = stuffingWave.defaults;

const anUnknownUserLogin = () =>
  aLoginFact({ subject: undefined, login: { outcome: 'failure', failureReason: 'unknown_user' } });

/** 10 logins in the last slot, 8 of them for unknown usernames: a wave against a 1 % baseline. */
const WAVE = [...quietDay(), lastSlot(10, 8, 0)];
const QUIET = [...quietDay(), lastSlot(10, 0, 0)];

/** A failure for another username from the event's session, `msAgo` before it. */
const otherFailure = (name: string, msAgo: number) =>
  anObservation({
    at: FACT_AT - msAgo,
    username: pseudonym(name),
    outcome: 'failure',
    failureReason: 'bad_password',
  });

describe('RESIDENTIAL_STUFFING', () => {
  it('flags an unknown-username failure in a wave with the log odds of the wave, plus the stranger', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, WAVE));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    // 9 of 11 against a baseline share of 1.5/101: odds (9 - 0.163) / 0.163 = e^3.99, plus 1 nat.
    expect(finding).toMatchObject({
      evidence: { slice: 'shop', counter: 'unknownUser', failures: 9, logins: 11 },
      points: 50,
    });
  });

  it("flags a burst: another client's unknown-username failure in the ten seconds before", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, [...quietDay(), lastTenSeconds(1, 1)]));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    // 2 against 1 success (none but this one): the baseline's 1 in 95 successes, smoothed, is
    // 1.5/96; odds (2 - 0.0156) / 0.0156 = e^4.84, plus 1 nat.
    expect(finding).toMatchObject({
      evidence: { slice: 'burst', counter: 'unknownUser', failures: 2, logins: 2 },
      points: 58,
    });
  });

  it("leaves out the counts of the event's own ten seconds (a redelivered batch's later events are there)", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const sameSlot = aGlobalBucket({ start: FACT_AT, waves: { 'b0.l': 2, 'b0.f': 2, 'b0.u': 2 } });
    const view = new ProfileView(aSnapshot(event, {}, [...quietDay(), sameSlot]));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("does not count the client's own earlier failure (another username) as a burst", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const own = anObservation({
      at: FACT_AT - 5_000,
      subject: undefined,
      username: pseudonym('other'),
      outcome: 'failure',
      failureReason: 'unknown_user',
    });
    const view = new ProfileView(aSnapshot(event, { client: [own] }, [...quietDay(), lastTenSeconds(1, 1)]));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag the same failure when the shop is quiet', () => {
    // Prepare
    const event = anUnknownUserLogin();
    const view = new ProfileView(aSnapshot(event, {}, QUIET));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a wrong password from a device the account signed in with, even in a wave', () => {
    // Prepare
    const event = aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });
    const signedIn = anObservation({ at: FACT_AT - 86_400_000, outcome: 'success' });
    const view = new ProfileView(aSnapshot(event, { username: [signedIn] }, WAVE));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("does not flag a mistyped username on a customer's own device, even in a wave", () => {
    // Prepare: the device signed in yesterday for one account, an hour ago for a second
    const event = anUnknownUserLogin();
    const customer = (name: string, msAgo: number) =>
      anObservation({ at: FACT_AT - msAgo, subject: pseudonym(name), outcome: 'success' });
    const household = [customer('subject-1', 86_400_000), customer('subject-2', 3_600_000)];
    const view = new ProfileView(aSnapshot(event, { device: household }, WAVE));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("still flags a device whose only sign-in is minutes old (a wave's hit) or that many accounts share", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const hitMinutesAgo = [anObservation({ at: FACT_AT - 5 * 60_000, outcome: 'success' })];
    const kiosk = Array.from({ length: S.ownDeviceAccounts + 1 }, (_, i) =>
      anObservation({ at: FACT_AT - 86_400_000 + i, subject: pseudonym(`subject-${i}`), outcome: 'success' }),
    );

    // Act
    const findings = [hitMinutesAgo, kiosk].map((device) =>
      stuffingWave.evaluate(event, new ProfileView(aSnapshot(event, { device }, WAVE)), S),
    );

    // Assess
    expect(findings.map((f) => f && f.points)).toEqual([50, 50]);
  });

  it("does not flag the session's second try of the same account (one person retrying)", () => {
    // Prepare
    const event = anUnknownUserLogin();
    const first = anObservation({
      at: FACT_AT - 20_000,
      subject: undefined,
      outcome: 'failure',
      failureReason: 'unknown_user',
    });
    const view = new ProfileView(aSnapshot(event, { client: [first] }, WAVE));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('flags a successful login from a session that just failed for minOtherUsernames other usernames', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(
      aSnapshot(event, { client: [otherFailure('a', 60_000), otherFailure('b', 30_000)] }, QUIET),
    );

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      evidence: { otherUsernames: 2 },
      points: Math.round((Math.log(3) + 1) * 10),
    });
  });

  it("flags a stranger's success after one other username during a wave", () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { client: [otherFailure('combo', 30_000)] }, WAVE));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { otherUsernames: 1, slice: 'shop' } });
  });

  it("does not flag the owner's success after one mistyped username during a wave", () => {
    // Prepare: the account signed in from this device yesterday
    const event = aLoginFact();
    const signedIn = anObservation({ at: FACT_AT - 86_400_000, outcome: 'success' });
    const view = new ProfileView(
      aSnapshot(event, { client: [otherFailure('typo', 30_000)], username: [signedIn] }, WAVE),
    );

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a success after one mistyped username during a burst only', () => {
    // Prepare: another client's unknown-username failure seconds before, too few for a wave
    // over the five-minute slots
    const settings = { ...S, minWaveFailures: 4 };
    const event = aLoginFact();
    const typo = anObservation({
      at: FACT_AT - 5_000,
      username: pseudonym('typo'),
      outcome: 'failure',
      failureReason: 'unknown_user',
    });
    const view = new ProfileView(aSnapshot(event, { client: [typo] }, [...quietDay(), lastTenSeconds(2, 2)]));

    // Act
    const finding = stuffingWave.evaluate(event, view, settings);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a success after one mistyped username when the shop is quiet', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { client: [otherFailure('typo', 30_000)] }, QUIET));

    // Act
    const finding = stuffingWave.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
