import { describe, expect, it } from 'vitest';
import { reshipping } from '../../../src/rules/behaviour/reshipping.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = reshipping.defaults;
const VALUABLE = S.minAmountMinor;

/** A new account's order (`subject-<n>`) to the event's address from network `network-<n>`, an hour before the event. */
const orderOf = (n: number, over: Partial<Observation> = {}): Observation =>
  anObservation({
    kind: 'order',
    at: FACT_AT - minutes(60),
    subject: pseudonym(`subject-${n}`),
    network: pseudonym(`network-${n}`),
    amountMinor: VALUABLE,
    accountAgeDays: 0,
    ...over,
  });

const aValuableOrder = () => anOrderFact({ order: { amountMinor: VALUABLE } });

describe('RESHIPPING', () => {
  it('fires when another account sent a valuable order to the address from another network', () => {
    // Prepare
    const event = aValuableOrder();
    const view = new ProfileView(aSnapshot(event, { address: [orderOf(2)] }));

    // Act
    const finding = reshipping.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message:
        '2 accounts (1 of the others new) sent valuable orders to this address within 14 days, this one for the first time',
      evidence: { accounts: 2, newAccounts: 1, thisAccountNew: false, newAddress: true, windowDays: 14 },
      points: S.points + S.newAddressPoints,
    });
  });

  it('adds no newAddressPoints when this account shipped to the address before', () => {
    // Prepare
    const event = aValuableOrder();
    const earlier = anObservation({
      kind: 'order',
      at: FACT_AT - minutes(60 * 24 * 30),
      address: event.order!.address,
    });
    const view = new ProfileView(aSnapshot(event, { address: [orderOf(2)], subject: [earlier] }));

    // Act
    const finding = reshipping.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(S.points);
  });

  it('grows its points with the log of the accounts, up to maxPoints', () => {
    // Prepare
    const event = aValuableOrder();
    const few = new ProfileView(aSnapshot(event, { address: [orderOf(2), orderOf(3)] }));
    const many = new ProfileView(
      aSnapshot(event, { address: Array.from({ length: 30 }, (_, i) => orderOf(i + 2)) }),
    );

    // Act
    const points = [few, many].map((view) => reshipping.evaluate(event, view, S));

    // Assess
    expect(points.map((f) => f && f.points)).toEqual([
      Math.round(S.points + S.pointsPerLogAccount * Math.log(2)) + S.newAddressPoints,
      S.maxPoints,
    ]);
  });

  it('counts established accounts only beyond giftCircle of them (relatives sending presents)', () => {
    // Prepare
    const event = aValuableOrder();
    const established = (n: number) => orderOf(n, { accountAgeDays: 900 });
    const circle = Array.from({ length: S.giftCircle }, (_, i) => established(i + 2));
    const within = new ProfileView(aSnapshot(event, { address: circle }));
    const beyond = new ProfileView(aSnapshot(event, { address: [...circle, established(S.giftCircle + 2)] }));

    // Act
    const findings = [within, beyond].map((view) => reshipping.evaluate(event, view, S));

    // Assess
    expect(findings[0]).toBeUndefined();
    expect(findings[1]).toMatchObject({
      evidence: { accounts: S.giftCircle + 2, newAccounts: 0 },
      points: S.points + S.newAddressPoints,
    });
  });

  it('counts established accounts from the first when this account is new itself', () => {
    // Prepare
    const event = anOrderFact({ order: { amountMinor: VALUABLE, accountAgeDays: S.newAccountDays } });
    const view = new ProfileView(aSnapshot(event, { address: [orderOf(2, { accountAgeDays: 900 })] }));

    // Act
    const finding = reshipping.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      message:
        '2 accounts (0 of the others new, this one too) sent valuable orders to this address within 14 days, this one for the first time',
      evidence: { accounts: 2, newAccounts: 0, thisAccountNew: true },
      points: S.points + S.newAddressPoints,
    });
  });

  it.each([
    ['an order below minAmountMinor', orderOf(2, { amountMinor: VALUABLE - 1 })],
    [
      "an order from this order's own network (the household)",
      orderOf(2, { network: pseudonym('network-1') }),
    ],
    ['the same account ordering again', orderOf(1)],
    ['an order older than the window', orderOf(2, { at: FACT_AT - minutes(S.windowDays * 1440) - 1 })],
    ['an order after the event', orderOf(2, { at: FACT_AT + 1 })],
  ])('does not count %s', (_label, earlier) => {
    // Prepare
    const event = aValuableOrder();
    const view = new ProfileView(aSnapshot(event, { address: [earlier] }));

    // Act
    const finding = reshipping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not score an order below minAmountMinor itself', () => {
    // Prepare
    const event = anOrderFact({ order: { amountMinor: VALUABLE - 1 } });
    const view = new ProfileView(aSnapshot(event, { address: [orderOf(2), orderOf(3)] }));

    // Act
    const finding = reshipping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
