import { describe, expect, it } from 'vitest';
import { amountAboveHistory } from '../../../src/rules/behaviour/amount-above-history.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact } from '../../factories/facts.ts';

const S = { ...amountAboveHistory.defaults, points: 15, minHistory: 3, factor: 5, minAmountMinor: 20_000 };

/** Earlier orders of the default customer of these amounts, a day apart. */
const orders = (...amounts: number[]): Observation[] =>
  amounts.map((amountMinor, i) =>
    anObservation({ kind: 'order', at: FACT_AT - minutes(24 * 60 * (i + 1)), amountMinor }),
  );

const anOrderOf = (amountMinor: number) => anOrderFact({ order: { amountMinor } });

describe('AMOUNT_ABOVE_HISTORY', () => {
  it("fires at factor times the customer's median order", () => {
    // Prepare
    const event = anOrderOf(25_000);
    const view = new ProfileView(aSnapshot(event, { subject: orders(6000, 4000, 5000) }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: "order of 250.00 is 5.0x this customer's median",
      evidence: { amountMinor: 25_000, medianAmountMinor: 5000, history: 3 },
    });
  });

  it('does not fire a cent below factor times the median', () => {
    // Prepare
    const event = anOrderOf(24_999);
    const view = new ProfileView(aSnapshot(event, { subject: orders(6000, 4000, 5000) }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('uses the median, not the mean, so one big earlier order does not hide the jump', () => {
    // Prepare
    const event = anOrderOf(25_000);
    const view = new ProfileView(aSnapshot(event, { subject: orders(5000, 4000, 100_000) }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { medianAmountMinor: 5000 } });
  });

  it('does not score orders below minAmountMinor, however far above the median', () => {
    // Prepare
    const event = anOrderOf(19_999);
    const view = new ProfileView(aSnapshot(event, { subject: orders(100, 100, 100) }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('needs minHistory earlier orders', () => {
    // Prepare
    const event = anOrderOf(100_000);
    const logins = [anObservation({ at: FACT_AT - minutes(10) })];
    const view = new ProfileView(aSnapshot(event, { subject: [...orders(1000, 1000), ...logins] }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores orders later than the event', () => {
    // Prepare
    const event = anOrderOf(100_000);
    const later = anObservation({ kind: 'order', at: FACT_AT + minutes(1), amountMinor: 1000 });
    const view = new ProfileView(aSnapshot(event, { subject: [...orders(1000, 1000), later] }));

    // Act
    const finding = amountAboveHistory.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
