import { describe, expect, it } from 'vitest';
import { smallOrderBurst } from '../../../src/rules/behaviour/small-order-burst.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact } from '../../factories/facts.ts';

const S = { ...smallOrderBurst.defaults, points: 30, windowMinutes: 30, minOrders: 3, maxAmountMinor: 500 };

/** An order of `amountMinor` by the default customer, `msAgo` before the event. */
const order = (amountMinor: number | undefined, msAgo = minutes(5)): Observation =>
  anObservation({ kind: 'order', at: FACT_AT - msAgo, amountMinor });

const aSmallOrder = (amountMinor = 500) => anOrderFact({ order: { amountMinor } });

describe('SMALL_ORDER_BURST', () => {
  it('fires at minOrders orders of at most maxAmountMinor, counting the order being scored', () => {
    // Prepare
    const event = aSmallOrder(500);
    const view = new ProfileView(aSnapshot(event, { subject: [order(100, minutes(20)), order(500)] }));

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 orders of at most 5.00 from this customer within 30 min',
      evidence: { source: 'subject', smallOrders: 3, maxAmountMinor: 500, windowMinutes: 30 },
    });
  });

  it('fires for tiny orders from one device across accounts', () => {
    // Prepare
    const event = aSmallOrder(200);
    const otherAccount = (msAgo: number) => ({ ...order(100, msAgo), subject: 'v1:subject-other' as never });
    const view = new ProfileView(
      aSnapshot(event, { device: [otherAccount(minutes(9)), otherAccount(minutes(3))] }),
    );

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 orders of at most 5.00 from this device within 30 min',
      evidence: { source: 'device', smallOrders: 3, maxAmountMinor: 500, windowMinutes: 30 },
    });
  });

  it('does not fire one small order below minOrders', () => {
    // Prepare
    const event = aSmallOrder();
    const view = new ProfileView(aSnapshot(event, { subject: [order(100)] }));

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not score an order above maxAmountMinor', () => {
    // Prepare
    const event = aSmallOrder(501);
    const view = new ProfileView(aSnapshot(event, { subject: [order(100), order(100), order(100)] }));

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not count earlier orders above maxAmountMinor or without an amount', () => {
    // Prepare
    const event = aSmallOrder();
    const view = new ProfileView(aSnapshot(event, { subject: [order(501), order(undefined), order(100)] }));

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores orders older than the window and later than the event', () => {
    // Prepare
    const event = aSmallOrder();
    const view = new ProfileView(
      aSnapshot(event, { subject: [order(100, minutes(30) + 1), order(100), order(100, -minutes(1))] }),
    );

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("uses the device's orders when the order has no customer", () => {
    // Prepare
    const event = anOrderFact({ subject: undefined, order: { amountMinor: 100 } });
    const view = new ProfileView(aSnapshot(event, { device: [order(100), order(100, minutes(10))] }));

    // Act
    const finding = smallOrderBurst.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { smallOrders: 3 } });
  });
});
