import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/rules/decide.ts';
import { orderVelocity } from '../../../src/rules/behaviour/order-velocity.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import { resolveConfig } from '../../../src/rules/config.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aLoginFact, aSnapshot, anObservation, anOrderFact } from '../../factories/facts.ts';

const S = { ...orderVelocity.defaults, points: 40, windowMinutes: 60, minOrders: 3 };

/** An order of the default customer, `msAgo` before the event. */
const order = (msAgo: number): Observation =>
  anObservation({ kind: 'order', at: FACT_AT - msAgo, amountMinor: 4995 });

describe('ORDER_VELOCITY', () => {
  it('fires at minOrders orders in the window, counting the order being scored', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(aSnapshot(event, { subject: [order(minutes(40)), order(minutes(10))] }));

    // Act
    const finding = orderVelocity.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 orders by this customer within 60 min',
      evidence: { orders: 3, windowMinutes: 60 },
    });
  });

  it('does not fire one order below minOrders', () => {
    // Prepare
    const event = anOrderFact();
    const logins = [
      anObservation({ at: FACT_AT - minutes(20) }),
      anObservation({ at: FACT_AT - minutes(5) }),
    ];
    const view = new ProfileView(aSnapshot(event, { subject: [order(minutes(10)), ...logins] }));

    // Act
    const finding = orderVelocity.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts an order exactly windowMinutes old but not one a millisecond older', () => {
    // Prepare
    const event = anOrderFact();
    const atEdge = new ProfileView(aSnapshot(event, { subject: [order(minutes(60)), order(minutes(10))] }));
    const beyond = new ProfileView(
      aSnapshot(event, { subject: [order(minutes(60) + 1), order(minutes(10))] }),
    );

    // Act
    const inside = orderVelocity.evaluate(event, atEdge, S);
    const outside = orderVelocity.evaluate(event, beyond, S);

    // Assess
    expect(inside).toMatchObject({ evidence: { orders: 3 } });
    expect(outside).toBeUndefined();
  });

  it('ignores orders later than the event', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(aSnapshot(event, { subject: [order(minutes(10)), order(-minutes(1))] }));

    // Act
    const finding = orderVelocity.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('is not run for logins through decide', () => {
    // Prepare
    const config = resolveConfig({ rules: { ORDER_VELOCITY: { windowMinutes: 60, minOrders: 3 } } });
    const orders = [order(minutes(40)), order(minutes(10))];
    const onOrder = anOrderFact();
    const onLogin = aLoginFact();

    // Act
    const forOrder = decide(onOrder, aSnapshot(onOrder, { subject: orders }), config);
    const forLogin = decide(onLogin, aSnapshot(onLogin, { subject: orders }), config);

    // Assess
    expect(forOrder.reasons.map((r) => r.code)).toContain('ORDER_VELOCITY');
    expect(forLogin.reasons.map((r) => r.code)).not.toContain('ORDER_VELOCITY');
  });
});
