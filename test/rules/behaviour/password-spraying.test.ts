import { describe, expect, it } from 'vitest';
import { passwordSpraying } from '../../../src/rules/behaviour/password-spraying.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';
import { lastSlot, quietDay } from '../../factories/waves.ts';

const S = passwordSpraying.defaults;

const aWrongPassword = () => aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } });

/** Wrong passwords from the event's address for `accounts` other accounts, `tries` each, a minute apart. */
function sprayed(accounts: number, tries = 1): Observation[] {
  return Array.from({ length: accounts * tries }, (_, i) =>
    anObservation({
      at: FACT_AT - (i + 1) * 60_000,
      username: pseudonym(`account-${i % accounts}`),
      outcome: 'failure',
      failureReason: 'bad_password',
    }),
  );
}

/** Successful logins of other accounts from the event's address. */
const signIns = (n: number): Observation[] =>
  Array.from({ length: n }, (_, i) =>
    anObservation({
      at: FACT_AT - (i + 1) * 30_000,
      username: pseudonym(`colleague-${i}`),
      outcome: 'success',
    }),
  );

describe('PASSWORD_SPRAYING', () => {
  it('flags wrong passwords for minAccounts accounts from one address, once each', () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, { ip: sprayed(2) }));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'wrong passwords for 3 accounts from this address within 60 min',
      evidence: { source: 'ip', accounts: 3, triesPerAccount: 1, windowMinutes: 60 },
      points: 40,
    });
  });

  it('gives points that grow with the log of the number of accounts', () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, { ip: sprayed(8) }));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(40 + Math.round(Math.log(3) * 10));
  });

  it('does not flag accounts each tried again and again (retries, not a spray)', () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, { ip: sprayed(2, 3) }));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag an office address where most logins succeed', () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, { ip: [...sprayed(2), ...signIns(5)] }));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("flags a stranger's wrong password in a shop-wide wave of wrong passwords", () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, {}, [...quietDay(), lastSlot(10, 0, 8)]));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      evidence: { slice: 'shop', counter: 'wrongPassword', failures: 9, logins: 11 },
    });
  });

  it('leaves wrong passwords in a wave of unknown usernames to RESIDENTIAL_STUFFING', () => {
    // Prepare
    const event = aWrongPassword();
    const view = new ProfileView(aSnapshot(event, {}, [...quietDay(), lastSlot(20, 10, 8)]));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('flags the successful login from an address that sprayed', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: sprayed(3) }));

    // Act
    const finding = passwordSpraying.evaluate(event, view, S);

    // Assess
    expect(finding && finding.message).toBe(
      'wrong passwords for 3 accounts from this address within 60 min, then this login succeeded',
    );
  });
});
