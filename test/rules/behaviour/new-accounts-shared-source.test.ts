import { describe, expect, it } from 'vitest';
import { newAccountsSharedSource } from '../../../src/rules/behaviour/new-accounts-shared-source.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = {
  ...newAccountsSharedSource.defaults,
  points: 35,
  windowMinutes: 1440,
  minAccounts: 2,
  newAccountDays: 7,
};

/** An order of `subject-<n>`, whose account was `accountAgeDays` old then, `msAgo` before the event. */
const orderOf = (n: number, accountAgeDays: number | undefined, msAgo = minutes(30)): Observation =>
  anObservation({ kind: 'order', at: FACT_AT - msAgo, subject: pseudonym(`subject-${n}`), accountAgeDays });

const aNewAccountOrder = (accountAgeDays = 3) => anOrderFact({ order: { accountAgeDays } });

describe('NEW_ACCOUNTS_SHARED_SOURCE', () => {
  it.each([
    ['device', 'device'],
    ['ip', 'address'],
    ['network', 'network'],
  ] as const)('fires when minAccounts new accounts order from one %s', (kind, name) => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(aSnapshot(event, { [kind]: [orderOf(2, 5)] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: `2 new accounts ordered from this ${name} within 24 h`,
      evidence: { source: kind, accounts: 2, windowMinutes: 1440 },
    });
  });

  it('does not fire for one new account ordering twice', () => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(aSnapshot(event, { device: [orderOf(1, 3), orderOf(1, 3, minutes(60))] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts accounts up to newAccountDays old, by their age at the time of their order', () => {
    // Prepare
    const event = aNewAccountOrder();
    const atLimit = new ProfileView(aSnapshot(event, { device: [orderOf(2, 7)] }));
    const tooOld = new ProfileView(aSnapshot(event, { device: [orderOf(2, 8), orderOf(3, undefined)] }));

    // Act
    const fired = newAccountsSharedSource.evaluate(event, atLimit, S);
    const quiet = newAccountsSharedSource.evaluate(event, tooOld, S);

    // Assess
    expect(fired).toMatchObject({ evidence: { source: 'device', accounts: 2 } });
    expect(quiet).toBeUndefined();
  });

  it.each([
    ['older than newAccountDays', 8],
    ['of unknown age', undefined],
  ])('does not score an order from an account %s', (_label, accountAgeDays) => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays } });
    const view = new ProfileView(aSnapshot(event, { device: [orderOf(2, 1), orderOf(3, 1)] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores orders older than the window and later than the event', () => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(
      aSnapshot(event, { device: [orderOf(2, 1, minutes(1440) + 1), orderOf(3, 1, -minutes(1))] }),
    );

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not count logins of other new customers, only orders', () => {
    // Prepare
    const event = aNewAccountOrder();
    const login = { ...orderOf(2, 1), kind: 'login' as const };
    const view = new ProfileView(aSnapshot(event, { device: [login] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
