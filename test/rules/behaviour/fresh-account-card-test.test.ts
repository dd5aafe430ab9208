import { describe, expect, it } from 'vitest';
import { freshAccountCardTest } from '../../../src/rules/behaviour/fresh-account-card-test.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = freshAccountCardTest.defaults;

const evaluate = (event: EventFacts, view = new ProfileView(aSnapshot(event))) =>
  freshAccountCardTest.evaluate(event, view, S);

describe('FRESH_ACCOUNT_CARD_TEST', () => {
  it('fires on a small order of an account opened today on a card the shop never saw', () => {
    // Prepare
    const event = anOrderFact({
      order: { accountAgeDays: 0, amountMinor: 356, currency: 'EUR', paymentMethod: 'card' },
    });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'account 0 days old orders 3.56 EUR on a card never seen at this shop',
      evidence: { accountAgeDays: 0, amountMinor: 356, earlierOrdersOnCard: 0 },
    });
  });

  it('fires at maxAccountDays and maxAmountMinor', () => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays: S.maxAccountDays, amountMinor: S.maxAmountMinor } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toMatchObject({ evidence: { accountAgeDays: S.maxAccountDays } });
  });

  it('does not fire on a card the shop saw before (a parent paying on a child’s new account)', () => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays: 0, amountMinor: 356 } });
    const earlier = anObservation({
      kind: 'order',
      at: FACT_AT - minutes(60 * 24 * 30),
      subject: pseudonym('subject-2'),
      payment: event.order!.payment!,
    });
    const view = new ProfileView(aSnapshot(event, { payment: [earlier] }));

    // Act
    const finding = evaluate(event, view);

    // Assess
    expect(finding).toBeUndefined();
  });

  it.each([
    ['above maxAmountMinor', { accountAgeDays: 0, amountMinor: S.maxAmountMinor + 1 }],
    ['of an account older than maxAccountDays', { accountAgeDays: S.maxAccountDays + 1, amountMinor: 356 }],
    ['of an account of unknown age', { accountAgeDays: undefined, amountMinor: 356 }],
    ['without a payment instrument', { accountAgeDays: 0, amountMinor: 356, payment: undefined }],
    ['paid otherwise than by card', { accountAgeDays: 0, amountMinor: 356, paymentMethod: 'ideal' as const }],
  ])('does not fire on an order %s', (_label, order) => {
    // Prepare
    const event = anOrderFact({ order });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });
});
