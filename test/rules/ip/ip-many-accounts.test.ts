import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/rules/decide.ts';
import { ipManyAccounts } from '../../../src/rules/ip/ip-many-accounts.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import { resolveConfig } from '../../../src/rules/config.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  DEFAULT_IDS,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../../factories/facts.ts';

const S = {
  ...ipManyAccounts.defaults,
  points: 20,
  windowMinutes: 10,
  minAccounts: 8,
  minNetworkAccounts: 16,
};

/** A login of `username-<n>` from the default address, `msAgo` before the event. */
const loginOf = (n: number, msAgo = n * 30_000): Observation =>
  anObservation({
    at: FACT_AT - msAgo,
    username: pseudonym(`username-${n}`),
    subject: pseudonym(`subject-${n}`),
  });

/** Logins of `count` other usernames (username-2, username-3, …), 30 s apart. */
const others = (count: number): Observation[] => Array.from({ length: count }, (_, i) => loginOf(i + 2));

describe('IP_MANY_ACCOUNTS', () => {
  it('fires at minAccounts distinct usernames, counting the one logging in now', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: others(7) }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '8 usernames tried to log in from this address within 10 min',
      evidence: { source: 'ip', usernames: 8, windowMinutes: 10 },
    });
  });

  it('fires for a whole network at minNetworkAccounts, spread over its addresses', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { network: others(15) }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '16 usernames tried to log in from this network within 10 min',
      evidence: { source: 'network', usernames: 16, windowMinutes: 10 },
    });
  });

  it('does not fire for a network one username below minNetworkAccounts', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { network: others(14) }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire one username below minAccounts', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: others(6) }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts the current username once when it logged in before', () => {
    // Prepare
    const event = aLoginFact();
    const again = anObservation({ at: FACT_AT - minutes(1), username: DEFAULT_IDS.username });
    const view = new ProfileView(aSnapshot(event, { ip: [...others(6), again, again] }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts failed logins of other usernames as well', () => {
    // Prepare
    const event = aLoginFact();
    const failed = others(7).map((o) => ({
      ...o,
      outcome: 'failure' as const,
      failureReason: 'bad_password' as const,
    }));
    const view = new ProfileView(aSnapshot(event, { ip: failed }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { usernames: 8 } });
  });

  it('ignores logins older than the window and later than the event', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(
      aSnapshot(event, { ip: [...others(5), loginOf(20, minutes(10) + 1), loginOf(21, -minutes(1))] }),
    );

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts a login exactly windowMinutes old', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { ip: [...others(6), loginOf(20, minutes(10))] }));

    // Act
    const finding = ipManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { usernames: 8 } });
  });

  it('is not run for orders through decide', () => {
    // Prepare
    const login = aLoginFact();
    const order = anOrderFact();
    const config = resolveConfig({ rules: { IP_MANY_ACCOUNTS: { windowMinutes: 10, minAccounts: 8 } } });

    // Act
    const onLogin = decide(login, aSnapshot(login, { ip: others(7) }), config);
    const onOrder = decide(order, aSnapshot(order, { ip: others(7) }), config);

    // Assess
    expect(onLogin.reasons.map((r) => r.code)).toContain('IP_MANY_ACCOUNTS');
    expect(onOrder.reasons.map((r) => r.code)).not.toContain('IP_MANY_ACCOUNTS');
  });
});
