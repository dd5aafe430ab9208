import { describe, expect, it } from 'vitest';
import { newAccountsSharedSource } from '../../../src/rules/behaviour/new-accounts-shared-source.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../../factories/facts.ts';

const S = newAccountsSharedSource.defaults;

/**
 * An order of `subject-<n>` from its own network `network-<n>`, whose account was
 * `accountAgeDays` old then, `msAgo` before the event.
 */
const orderOf = (n: number, accountAgeDays: number | undefined, msAgo = minutes(30)): Observation =>
  anObservation({
    kind: 'order',
    at: FACT_AT - msAgo,
    subject: pseudonym(`subject-${n}`),
    network: pseudonym(`network-${n}`),
    accountAgeDays,
  });

const aNewAccountOrder = (accountAgeDays = 0) => anOrderFact({ order: { accountAgeDays } });

describe('NEW_ACCOUNTS_SHARED_SOURCE', () => {
  it.each([
    ['device', 'device', 0],
    ['payment', 'payment instrument', 0],
    ['address', 'shipping address', S.addressDiscount],
  ] as const)('fires when another new account ordered with the same %s', (kind, name, discount) => {
    // Prepare: the other order came longer than burstMinutes before
    const event = aNewAccountOrder();
    const view = new ProfileView(aSnapshot(event, { [kind]: [orderOf(2, 0, minutes(S.burstMinutes + 1))] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: `1 other new account ordered with this ${name} within 48 h, the latest ${S.burstMinutes + 1} min ago`,
      evidence: { accounts: 1, via: kind, windowMinutes: 2880, minutesSinceLatest: S.burstMinutes + 1 },
      points: S.points - discount,
    });
  });

  it('takes no addressDiscount when the linked new account ordered to the address within burstMinutes', () => {
    // Prepare
    const event = aNewAccountOrder();
    const earlier = [orderOf(2, 0, minutes(S.burstMinutes + 60)), orderOf(3, 0, minutes(S.burstMinutes))];
    const view = new ProfileView(aSnapshot(event, { address: earlier }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      evidence: { accounts: 2, via: 'address', minutesSinceLatest: S.burstMinutes },
      points: Math.round(S.points + S.pointsPerLogAccount * Math.log(2)),
    });
  });

  it('counts an account linked by both device and card once, and names both links', () => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(
      aSnapshot(event, { device: [orderOf(2, 0)], payment: [orderOf(2, 0), orderOf(3, 1)] }),
    );

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 2, via: 'device,payment' } });
  });

  it('grows its points with the log of the linked accounts, up to maxPoints', () => {
    // Prepare
    const event = aNewAccountOrder();
    const two = new ProfileView(aSnapshot(event, { device: [orderOf(2, 0), orderOf(3, 0)] }));
    const many = new ProfileView(
      aSnapshot(event, { device: Array.from({ length: 12 }, (_, i) => orderOf(i + 2, 0)) }),
    );

    // Act
    const points = [two, many].map((view) => newAccountsSharedSource.evaluate(event, view, S));

    // Assess
    expect(points.map((f) => f && f.points)).toEqual([
      Math.round(S.points + S.pointsPerLogAccount * Math.log(2)),
      S.maxPoints,
    ]);
  });

  it('looks at the device on a login, whose account age is unknown', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { device: [orderOf(2, 0), orderOf(3, 2)] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 2, via: 'device' } });
  });

  it.each([
    ['the same account ordering again', [orderOf(1, 0)]],
    ['an established account', [orderOf(2, 8), orderOf(3, undefined)]],
    ['an order older than the window', [orderOf(2, 0, minutes(2880) + 1)]],
    ['an order after the event', [orderOf(2, 0, -minutes(1))]],
    ['a login of another new customer', [{ ...orderOf(2, 0), kind: 'login' as const }]],
    [
      "an order from this event's own network (the household's line) more than burstMinutes before",
      [orderOf(2, 0, minutes(S.burstMinutes + 1))].map((o) => ({ ...o, network: pseudonym('network-1') })),
    ],
  ])('does not count %s', (_label, device) => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(aSnapshot(event, { device }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts new accounts from its own network once they are more than householdAccounts', () => {
    // Prepare
    const event = aNewAccountOrder();
    const here = (n: number) => ({
      ...orderOf(n, 0, minutes(S.burstMinutes + 1)),
      network: pseudonym('network-1'),
    });
    const household = Array.from({ length: S.householdAccounts }, (_, i) => here(i + 2));
    const farm = [...household, here(S.householdAccounts + 2)];

    // Act
    const quiet = newAccountsSharedSource.evaluate(
      event,
      new ProfileView(aSnapshot(event, { device: household })),
      S,
    );
    const fired = newAccountsSharedSource.evaluate(
      event,
      new ProfileView(aSnapshot(event, { device: farm })),
      S,
    );

    // Assess
    expect(quiet).toBeUndefined();
    expect(fired).toMatchObject({ evidence: { accounts: S.householdAccounts + 1 } });
  });

  it('counts a new account from its own network from the first when that is a hosting network', () => {
    // Prepare: a farm's server, where no household lives
    const event = aLoginFact({ hosting: { kind: 'hosting', name: 'Scaleway' } });
    const sameServer = { ...orderOf(2, 0), network: pseudonym('network-1') };
    const view = new ProfileView(aSnapshot(event, { device: [sameServer] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 1, via: 'device' }, points: S.points });
  });

  it('counts a new account that ordered on this device from its own network within burstMinutes', () => {
    // Prepare: one new account after another on one device and line, as a farm's
    const event = aLoginFact();
    const justBefore = { ...orderOf(2, 0, minutes(S.burstMinutes)), network: pseudonym('network-1') };
    const view = new ProfileView(aSnapshot(event, { device: [justBefore] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 1, via: 'device' }, points: S.points });
  });

  it('links new accounts by a server address, and by no other client address', () => {
    // Prepare: another new account ordered from this address; once it is a server's, once a home line's
    const onServer = aLoginFact({ hosting: { kind: 'hosting', name: 'Scaleway' } });
    const atHome = aLoginFact();
    const sameAddress = { ...orderOf(2, 0), network: pseudonym('network-1') };

    // Act
    const [server, home] = [onServer, atHome].map((event) =>
      newAccountsSharedSource.evaluate(event, new ProfileView(aSnapshot(event, { ip: [sameAddress] })), S),
    );

    // Assess
    expect(server).toMatchObject({
      message: '1 other new account ordered with this address within 48 h, the latest 30 min ago',
      evidence: { accounts: 1, via: 'ip' },
      points: S.points,
    });
    expect(home).toBeUndefined();
  });

  it('counts accounts up to newAccountDays old, by their age at the time of their order', () => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(aSnapshot(event, { device: [orderOf(2, S.newAccountDays)] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 1 } });
  });

  it.each([
    ['older than newAccountDays', S.newAccountDays + 1],
    ['of unknown age', undefined],
  ])('does not score an order from an account %s', (_label, accountAgeDays) => {
    // Prepare
    const event = anOrderFact({ order: { accountAgeDays } });
    const view = new ProfileView(aSnapshot(event, { device: [orderOf(2, 0), orderOf(3, 0)] }));

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not look across an IP address or network, which strangers share', () => {
    // Prepare
    const event = aNewAccountOrder();
    const view = new ProfileView(
      aSnapshot(event, { ip: [orderOf(2, 0), orderOf(3, 0)], network: [orderOf(4, 0), orderOf(5, 0)] }),
    );

    // Act
    const finding = newAccountsSharedSource.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
