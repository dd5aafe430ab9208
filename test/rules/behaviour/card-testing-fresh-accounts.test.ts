import { describe, expect, it } from 'vitest';
import { cardTestingFreshAccounts } from '../../../src/rules/behaviour/card-testing-fresh-accounts.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  type FactsOverrides,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../../factories/facts.ts';

const S = cardTestingFreshAccounts.defaults;
const SMALL = 300;

/** A small order of the new account `subject-<n>` on its own card `payment-<n>`, 30 minutes before the event. */
const testOf = (n: number, over: Partial<Observation> = {}): Observation =>
  anObservation({
    kind: 'order',
    at: FACT_AT - minutes(30),
    subject: pseudonym(`subject-${n}`),
    payment: pseudonym(`payment-${n}`),
    amountMinor: SMALL,
    accountAgeDays: 0,
    ...over,
  });

const aCardTest = (order: FactsOverrides['order'] = {}) =>
  anOrderFact({ order: { amountMinor: SMALL, accountAgeDays: 0, ...order } });

describe('CARD_TESTING_FRESH_ACCOUNTS', () => {
  it.each([
    ['address', 'shipping address'],
    ['device', 'device'],
    ['ip', 'address'],
  ] as const)('fires when another new account tested a card through the same %s', (kind, name) => {
    // Prepare
    const event = aCardTest();
    const view = new ProfileView(aSnapshot(event, { [kind]: [testOf(2)] }));

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: `2 new accounts placed small orders on different cards, linked by ${name}, within 24 h`,
      evidence: { accounts: 2, via: kind, windowMinutes: 1440 },
      points: S.points,
    });
  });

  it('counts the accounts linked by any source once, with points growing with their log', () => {
    // Prepare
    const event = aCardTest();
    const view = new ProfileView(
      aSnapshot(event, { address: [testOf(2), testOf(3)], device: [testOf(3)], ip: [testOf(4)] }),
    );

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      evidence: { accounts: 4, via: 'address,device,ip' },
      points: Math.round(S.points + S.pointsPerLogAccount * Math.log(3)),
    });
  });

  it.each([
    [
      'an order on the same card (a family paying with one card)',
      testOf(2, { payment: pseudonym('payment-1') }),
    ],
    ['an established account', testOf(2, { accountAgeDays: S.newAccountDays + 1 })],
    ['an order above maxAmountMinor', testOf(2, { amountMinor: S.maxAmountMinor + 1 })],
    ['an order older than the window', testOf(2, { at: FACT_AT - minutes(S.windowMinutes) - 1 })],
    ['the same account again', testOf(1)],
  ])('does not count %s', (_label, earlier) => {
    // Prepare
    const event = aCardTest();
    const view = new ProfileView(aSnapshot(event, { address: [earlier] }));

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it.each([
    ['above maxAmountMinor', { amountMinor: S.maxAmountMinor + 1 }],
    ['of an established account', { accountAgeDays: S.newAccountDays + 1 }],
    ['of an account of unknown age', { accountAgeDays: undefined }],
    ['without a payment instrument', { payment: undefined }],
  ])('does not score an order %s', (_label, order) => {
    // Prepare
    const event = aCardTest(order);
    const view = new ProfileView(aSnapshot(event, { address: [testOf(2), testOf(3)] }));

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('fires on the login of a customer with no history from an address where a new account tested a card', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: [testOf(2)] }));

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message:
        'a customer with no history signs in by the address where 1 new account placed small orders on different cards within 24 h',
      evidence: { accounts: 2, via: 'ip', windowMinutes: S.windowMinutes },
      points: S.points,
    });
  });

  it.each([
    ['a customer with history', aLoginFact(), [anObservation({ at: FACT_AT - minutes(60 * 24 * 20) })]],
    ['a failed login', aLoginFact({ login: { outcome: 'failure', failureReason: 'bad_password' } }), []],
  ])('does not fire on the login of %s', (_label, event, history) => {
    // Prepare
    const view = new ProfileView(aSnapshot(event, { ip: [testOf(2)], subject: history }));

    // Act
    const finding = cardTestingFreshAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
