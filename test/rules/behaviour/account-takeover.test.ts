import { describe, expect, it } from 'vitest';
import { accountTakeover } from '../../../src/rules/behaviour/account-takeover.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact, pseudonym } from '../../factories/facts.ts';

const S = {
  ...accountTakeover.defaults,
  sessionHours: 24,
  attackerNewShare: 0.9,
  newDevicePrior: 0.25,
  newNetworkPrior: 0.45,
  priorWeight: 2,
  tokenNats: 1,
  failedMinutes: 30,
  failedNats: 1,
  dormantDays: 60,
  dormantNats: 1,
  newAddressPrior: 0.05,
  highValueMinor: 25_000,
  highValueNats: 1.5,
  maxValueNats: 2.5,
  smallBasketSlope: 0.5,
  unseenAccountDays: 30,
  unseenNats: 1.5,
  offset: 0,
  pointsPerNat: 10,
  maxPoints: 80,
};

const DAY = 24 * 60;
const ATTACKER = { device: pseudonym('device-9'), network: pseudonym('network-9') };

/** `n` of the customer's own logins (default device and network), a day apart, the last `fromDays` ago. */
const ownLogins = (n: number, fromDays = 1): Observation[] =>
  Array.from({ length: n }, (_, i) => anObservation({ at: FACT_AT - minutes(DAY * (fromDays + i)) }));

/** An earlier order of the customer to their own address. */
const ownOrder = (daysAgo: number): Observation =>
  anObservation({
    kind: 'order',
    at: FACT_AT - minutes(DAY * daysAgo),
    address: pseudonym('address-home'),
    amountMinor: 4500,
  });

/** The attacker's sign-in, `minutesAgo` before the order, in the order's session. */
const attackerSignIn = (minutesAgo: number, method: Observation['method'] = 'password'): Observation =>
  anObservation({ at: FACT_AT - minutes(minutesAgo), ...ATTACKER, method });

/** The fields of an order on the attacker's device and network, to a drop. */
const dropOrderFields = (amountMinor: number) => ({
  device: ATTACKER.device,
  ip: { network: ATTACKER.network },
  order: { amountMinor, address: pseudonym('address-drop') },
});

/** An order on the attacker's device and network, to a drop. */
const aDropOrder = (amountMinor: number) => anOrderFact(dropOrderFields(amountMinor));

describe('ACCOUNT_TAKEOVER', () => {
  it('adds up the steps: a token on a new device and network, a new address, a high value', () => {
    // Prepare
    const event = aDropOrder(100_000);
    const signIn = attackerSignIn(30, 'token');
    const view = new ProfileView(
      aSnapshot(event, { subject: [...ownLogins(3), ownOrder(5), signIn], client: [signIn] }),
    );

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess: device ln(0.9 / (0.5 / 4)) = 1.97, network ln(0.9 / (0.9 / 4)) = 1.39, token 1,
    // address ln(0.9 / 0.05) = 2.89, value 1.5 + ln(4) capped at 2.5: 9.75 nats, capped at 80
    expect(finding).toEqual({
      message:
        "order after a sign-in unlike this customer's: newDevice, newNetwork, tokenOnNewDevice, newAddress, highValue",
      evidence: {
        llr: 9.75,
        minutesSinceSignIn: 30,
        newDevice: 1.97,
        newNetwork: 1.39,
        tokenOnNewDevice: 1,
        newAddress: 2.89,
        highValue: 2.5,
      },
      points: 80,
    });
  });

  it('reaches review for a high-value order after a new-device sign-in, without order history', () => {
    // Prepare
    const event = aDropOrder(40_000);
    const signIn = attackerSignIn(10);
    const view = new ProfileView(aSnapshot(event, { subject: [...ownLogins(2), signIn], client: [signIn] }));

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess: device ln(0.9 / (0.5 / 3)) = 1.69, network ln(0.9 / (0.9 / 3)) = 1.1, value 1.5 + ln(1.6) = 1.97
    expect(finding && finding.points).toBe(48);
  });

  it('counts wrong passwords just before the sign-in', () => {
    // Prepare
    const event = aDropOrder(40_000);
    const signIn = attackerSignIn(10);
    const failed = anObservation({
      ...ATTACKER,
      at: FACT_AT - minutes(11),
      outcome: 'failure',
      failureReason: 'bad_password',
    });
    const view = new ProfileView(
      aSnapshot(event, { subject: [...ownLogins(2), failed, signIn], client: [signIn] }),
    );

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence.failedFirst).toBe(1);
  });

  it('carries the sign-in to a later order on the same device within sessionHours', () => {
    // Prepare
    const event = aDropOrder(40_000);
    const signIn = attackerSignIn(20 * 60);
    const view = new ProfileView(aSnapshot(event, { subject: [...ownLogins(2, 2), signIn] }));

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence.minutesSinceSignIn).toBe(20 * 60);
  });

  it('stays quiet when the customer moves: a new network and address, but their own device', () => {
    // Prepare
    const event = anOrderFact({
      ip: { network: ATTACKER.network },
      order: { amountMinor: 40_000, address: pseudonym('address-new') },
    });
    const signIn = anObservation({ at: FACT_AT - minutes(5), network: ATTACKER.network });
    const view = new ProfileView(
      aSnapshot(event, { subject: [...ownLogins(3), ownOrder(5), signIn], client: [signIn] }),
    );

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('stays quiet for an ordinary basket to the customer’s own address from a new device', () => {
    // Prepare
    const event = anOrderFact({
      device: ATTACKER.device,
      order: { amountMinor: 6000, address: pseudonym('address-home') },
    });
    const signIn = anObservation({ at: FACT_AT - minutes(5), device: ATTACKER.device });
    const view = new ProfileView(
      aSnapshot(event, { subject: [...ownLogins(3), ownOrder(5), signIn], client: [signIn] }),
    );

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('weighs a small basket against a cash-out', () => {
    // Prepare
    const small = aDropOrder(2_500);
    const large = aDropOrder(25_000);
    const signIn = attackerSignIn(10);
    const profiles = { subject: [...ownLogins(3), ownOrder(5), signIn], client: [signIn] };

    // Act
    const [a, b] = [small, large].map((e) =>
      accountTakeover.evaluate(e, new ProfileView(aSnapshot(e, profiles)), S),
    );

    // Assess: a tenth of highValueMinor costs 0.5 ln(10) = 1.15 nats
    expect(a && a.evidence.smallBasket).toBe(-1.15);
    expect(b && a && b.points! - a.points!).toBe(27);
  });

  it('counts an old account never seen before as unseen, and the cash-out on top', () => {
    // Prepare
    const event = aDropOrder(100_000);
    const signIn = attackerSignIn(10, 'token');
    const view = new ProfileView(aSnapshot(event, { subject: [signIn], client: [signIn] }));

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess: unseen 1.5, value 1.5 + ln(4) capped at 2.5
    expect(finding).toEqual({
      message: "order after a sign-in unlike this customer's: unseenAccount, highValue",
      evidence: { llr: 4, minutesSinceSignIn: 10, unseenAccount: 1.5, highValue: 2.5 },
      points: 40,
    });
  });

  it.each([
    [
      'a new account',
      anOrderFact({
        ...dropOrderFields(100_000),
        order: { amountMinor: 100_000, address: pseudonym('address-drop'), accountAgeDays: 3 },
      }),
    ],
    ['an ordinary basket', aDropOrder(4_000)],
  ])('leaves an unseen account alone for %s', (_, event) => {
    // Prepare
    const signIn = attackerSignIn(10);
    const view = new ProfileView(aSnapshot(event, { subject: [signIn], client: [signIn] }));

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('adds dormantNats when the account was silent for dormantDays before the sign-in', () => {
    // Prepare
    const event = aDropOrder(40_000);
    const signIn = attackerSignIn(10);
    const view = new ProfileView(
      aSnapshot(event, { subject: [...ownLogins(2, 70), signIn], client: [signIn] }),
    );

    // Act
    const finding = accountTakeover.evaluate(event, view, S);

    // Assess
    expect(finding && finding.evidence.dormant).toBe(1);
  });
});
