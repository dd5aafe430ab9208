import { describe, expect, it } from 'vitest';
import { cardTesting } from '../../../src/rules/behaviour/card-testing.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = { ...cardTesting.defaults, points: 45, windowMinutes: 60, minInstruments: 3 };

/** An order paid with `payment-<n>`, `msAgo` before the event. */
const paidWith = (n: number, msAgo = minutes(n)): Observation =>
  anObservation({ kind: 'order', at: FACT_AT - msAgo, payment: pseudonym(`payment-${n}`), amountMinor: 100 });

describe('CARD_TESTING', () => {
  it('fires when one customer uses minInstruments payment instruments, the current one included', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(aSnapshot(event, { subject: [paidWith(2), paidWith(3)] }));

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 different payment instruments from this customer within 60 min',
      evidence: { source: 'subject', instruments: 3, windowMinutes: 60 },
    });
  });

  it('fires when one device uses minInstruments payment instruments across customers', () => {
    // Prepare
    const event = anOrderFact();
    const others = [paidWith(2), paidWith(3)].map((o, i) => ({
      ...o,
      subject: pseudonym(`subject-${i + 2}`),
    }));
    const view = new ProfileView(aSnapshot(event, { device: others }));

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 different payment instruments from this device within 60 min',
      evidence: { source: 'device', instruments: 3, windowMinutes: 60 },
    });
  });

  it('does not fire with one instrument fewer, counting a reused one once', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(
      aSnapshot(event, { subject: [paidWith(2), paidWith(1), paidWith(1, 30_000)] }),
    );

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not look per address, where many honest buyers share one', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(aSnapshot(event, { ip: [paidWith(2), paidWith(3), paidWith(4)] }));

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores orders older than the window and later than the event', () => {
    // Prepare
    const event = anOrderFact();
    const view = new ProfileView(
      aSnapshot(event, { subject: [paidWith(2, minutes(60) + 1), paidWith(3, -minutes(1)), paidWith(4)] }),
    );

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not score an order without a payment fingerprint', () => {
    // Prepare
    const event = anOrderFact({ order: { payment: undefined } });
    const view = new ProfileView(aSnapshot(event, { subject: [paidWith(2), paidWith(3), paidWith(4)] }));

    // Act
    const finding = cardTesting.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
