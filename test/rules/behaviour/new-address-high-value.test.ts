import { describe, expect, it } from 'vitest';
import { newAddressHighValue } from '../../../src/rules/behaviour/new-address-high-value.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = { ...newAddressHighValue.defaults, points: 20, minHistory: 1, minAmountMinor: 25_000 };

/** An earlier order of the default customer shipped to `address-<n>`, `daysAgo` days before the event. */
const shippedTo = (n: number, daysAgo = 10): Observation =>
  anObservation({
    kind: 'order',
    at: FACT_AT - minutes(24 * 60 * daysAgo),
    address: pseudonym(`address-${n}`),
    amountMinor: 4995,
  });

/** A 250.00 EUR order to the default address (address-1). */
const aHighValueOrder = (amountMinor = 25_000) => anOrderFact({ order: { amountMinor } });

describe('NEW_ADDRESS_HIGH_VALUE', () => {
  it('fires for a high-value order to an address none of minHistory earlier orders went to', () => {
    // Prepare
    const event = aHighValueOrder();
    const view = new ProfileView(aSnapshot(event, { subject: [shippedTo(2)] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '250.00 EUR to a shipping address never used before',
      evidence: { amountMinor: 25_000, previousOrders: 1 },
    });
  });

  it('does not fire a cent below minAmountMinor', () => {
    // Prepare
    const event = aHighValueOrder(24_999);
    const view = new ProfileView(aSnapshot(event, { subject: [shippedTo(2)] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire for a first order: there is nothing to compare with', () => {
    // Prepare
    const event = aHighValueOrder();
    const login = anObservation({ at: FACT_AT - minutes(5) });
    const view = new ProfileView(aSnapshot(event, { subject: [login] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire for an address the customer shipped to before', () => {
    // Prepare
    const event = aHighValueOrder();
    const view = new ProfileView(aSnapshot(event, { subject: [shippedTo(1, 100), shippedTo(2)] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores orders later than the event', () => {
    // Prepare
    const event = aHighValueOrder();
    const view = new ProfileView(aSnapshot(event, { subject: [shippedTo(2), shippedTo(1, -1)] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { previousOrders: 1 } });
  });

  it('does not score an order without a shipping address id', () => {
    // Prepare
    const event = anOrderFact({ order: { amountMinor: 25_000, address: undefined } });
    const view = new ProfileView(aSnapshot(event, { subject: [shippedTo(2)] }));

    // Act
    const finding = newAddressHighValue.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
