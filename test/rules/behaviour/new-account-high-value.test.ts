import { describe, expect, it } from 'vitest';
import { newAccountHighValue } from '../../../src/rules/behaviour/new-account-high-value.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { aSnapshot, anOrderFact } from '../../factories/facts.ts';

const S = {
  ...newAccountHighValue.defaults,
  points: 25,
  pointsPerNat: 15,
  maxPoints: 50,
  maxAccountDays: 7,
  minAmountMinor: 25_000,
};

const evaluate = (event: EventFacts) =>
  newAccountHighValue.evaluate(event, new ProfileView(aSnapshot(event)), S);

describe('NEW_ACCOUNT_HIGH_VALUE', () => {
  it('fires for an account of maxAccountDays ordering minAmountMinor, with points at the mark', () => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays: 7, amountMinor: 25_000 } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'account 7 days old orders 250.00 EUR',
      evidence: { accountAgeDays: 7, amountMinor: 25_000 },
      points: 25,
    });
  });

  it('adds pointsPerNat per e-fold of the amount above the mark', () => {
    // Prepare: 250 × e ≈ 679.57
    const event = anOrderFact({ order: { accountAgeDays: 0, amountMinor: 67_957, currency: 'USD' } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'account 0 days old orders 679.57 USD',
      evidence: { accountAgeDays: 0, amountMinor: 67_957 },
      points: 40,
    });
  });

  it('keeps to maxPoints', () => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays: 0, amountMinor: 2_500_000 } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toMatchObject({ points: 50 });
  });

  it.each([
    ['a day older than maxAccountDays', { accountAgeDays: 8, amountMinor: 25_000 }],
    ['a cent below minAmountMinor', { accountAgeDays: 7, amountMinor: 24_999 }],
    ['of an unknown account age', { accountAgeDays: undefined, amountMinor: 100_000 }],
  ])('does not fire for an order %s', (_label, order) => {
    // Prepare
    const event = anOrderFact({ order });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });
});
