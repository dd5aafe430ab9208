import { describe, expect, it } from 'vitest';
import { scriptedLogins } from '../../../src/rules/behaviour/scripted-logins.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = scriptedLogins.defaults;
const FAILED = { login: { outcome: 'failure' as const, failureReason: 'bad_password' as const } };

/** Earlier failed logins of the default client, each `gaps[i]` ms before the next (the first before the event). */
const failuresWithGaps = (...gaps: number[]): Observation[] => {
  let at = FACT_AT;
  return gaps.map((gap) => anObservation({ kind: 'login', outcome: 'failure', at: (at -= gap) })).reverse();
};

const evaluate = (client: Observation[], event: EventFacts = aLoginFact(FAILED)) =>
  scriptedLogins.evaluate(event, new ProfileView(aSnapshot(event, { client })), S);

describe('SCRIPTED_LOGINS', () => {
  it('fires on minAttempts failed logins a second apart', () => {
    // Act
    const finding = evaluate(failuresWithGaps(1000, 1000, 1000));

    // Assess
    expect(finding).toEqual({
      message: '4 login attempts from this client within 10 min, a median of 1000 ms apart',
      evidence: { source: 'client', attempts: 4, medianGapMs: 1000, windowMinutes: 10 },
      points: 40,
    });
  });

  it('fires on minAccountAttempts tries at one account a second apart, from a new client each time', () => {
    // Prepare: a guesser rotating proxies between tries
    const event = aLoginFact(FAILED);
    const username = failuresWithGaps(1000, 1000);
    const view = new ProfileView(aSnapshot(event, { username }));

    // Act
    const finding = scriptedLogins.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      message: '3 login attempts at this account within 10 min, a median of 1000 ms apart',
      evidence: { source: 'username', attempts: 3 },
      points: 40,
    });
  });

  it('leaves an account alone whose owner retypes every few seconds, or tries twice in a hurry', () => {
    // Prepare
    const event = aLoginFact(FAILED);
    const typing = new ProfileView(aSnapshot(event, { username: failuresWithGaps(6000, 5000) }));
    const doubleClick = new ProfileView(aSnapshot(event, { username: failuresWithGaps(300) }));

    // Act
    const findings = [typing, doubleClick].map((view) => scriptedLogins.evaluate(event, view, S));

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('grows with log2 of the attempts, up to maxPoints', () => {
    // Act
    const eight = evaluate(failuresWithGaps(...Array(7).fill(0)));
    const many = evaluate(failuresWithGaps(...Array(40).fill(500)));

    // Assess
    expect(eight).toMatchObject({ points: 50 });
    expect(many).toMatchObject({ points: 60 });
  });

  it('does not fire on a customer retyping a forgotten password every few seconds', () => {
    // Act
    const finding = evaluate(failuresWithGaps(6000, 4000, 12_000, 5000, 9000));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire with one attempt fewer than minAttempts', () => {
    // Act
    const finding = evaluate(failuresWithGaps(0, 0));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('flags the success that ends a scripted run', () => {
    // Prepare
    const success = aLoginFact({ login: { outcome: 'success' } });

    // Act
    const finding = evaluate(failuresWithGaps(800, 800, 800), success);

    // Assess
    expect(finding).toMatchObject({ evidence: { attempts: 4 } });
  });

  it("leaves the shop's own app alone", () => {
    // Prepare
    const app = aLoginFact({ ...FAILED, knownClient: { list: 'apps', name: 'winkelhuis-android' } });

    // Act
    const finding = evaluate(failuresWithGaps(100, 100, 100), app);

    // Assess
    expect(finding).toBeUndefined();
  });
});
