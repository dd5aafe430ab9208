import { describe, expect, it } from 'vitest';
import { deviceManyAccounts } from '../../../src/rules/behaviour/device-many-accounts.ts';
import { decide } from '../../../src/rules/decide.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import { resolveConfig } from '../../../src/rules/config.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  DEFAULT_IDS,
  FACT_AT,
  aBrowseFact,
  aLoginFact,
  aSnapshot,
  anObservation,
  anOrderFact,
  pseudonym,
} from '../../factories/facts.ts';

const S = { ...deviceManyAccounts.defaults, points: 35, windowMinutes: 1440, minAccounts: 3 };
const DAY = minutes(1440);

/** An event of `subject-<n>` on the default device, `msAgo` before the event. */
const eventOf = (n: number, msAgo = minutes(n)): Observation =>
  anObservation({ at: FACT_AT - msAgo, subject: pseudonym(`subject-${n}`) });

describe('DEVICE_MANY_ACCOUNTS', () => {
  it('fires when minAccounts customers, the current one included, used the device in the window', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { device: [eventOf(2), eventOf(3)] }));

    // Act
    const finding = deviceManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 customer accounts used this device within 24 h',
      evidence: { accounts: 3, windowMinutes: 1440 },
    });
  });

  describe('on a device shared for days (a library computer, a family laptop)', () => {
    const S_SHARED = { ...S, sharedDays: 3, burstFactor: 3 };
    /** `perDay` accounts on each of `days` days before the window. */
    const earlierDays = (days: number, perDay: number): Observation[] =>
      Array.from({ length: days }, (_, d) =>
        Array.from({ length: perDay }, (_, k) =>
          anObservation({
            at: FACT_AT - (days - d + 1) * DAY - k * minutes(30),
            subject: pseudonym(`old-${d}-${k}`),
          }),
        ),
      )
        .flat()
        .sort((a, b) => a.at - b.at);

    it('leaves its usual number of accounts a day alone', () => {
      // Prepare
      const event = aLoginFact();
      const view = new ProfileView(
        aSnapshot(event, { device: [...earlierDays(4, 3), eventOf(2), eventOf(3)] }),
      );

      // Act
      const finding = deviceManyAccounts.evaluate(event, view, S_SHARED);

      // Assess
      expect(finding).toBeUndefined();
    });

    it('fires on a burst of burstFactor times its usual accounts, naming the usual', () => {
      // Prepare
      const event = aLoginFact();
      const burst = [2, 3, 4, 5, 6].map((n) => eventOf(n));
      const view = new ProfileView(aSnapshot(event, { device: [...earlierDays(3, 2), ...burst] }));

      // Act
      const finding = deviceManyAccounts.evaluate(event, view, S_SHARED);

      // Assess
      expect(finding).toEqual(
        expect.objectContaining({ evidence: { accounts: 6, windowMinutes: 1440, usualPerDay: 2 } }),
      );
    });

    it('does not take a device seen on fewer than sharedDays days for a shared one', () => {
      // Prepare
      const event = aLoginFact();
      const view = new ProfileView(
        aSnapshot(event, { device: [...earlierDays(2, 3), eventOf(2), eventOf(3)] }),
      );

      // Act
      const finding = deviceManyAccounts.evaluate(event, view, S_SHARED);

      // Assess
      expect(finding).toEqual(expect.objectContaining({ evidence: { accounts: 3, windowMinutes: 1440 } }));
    });
  });

  it('does not fire with one account fewer, counting the current customer once', () => {
    // Prepare
    const event = anOrderFact();
    const again = anObservation({ at: FACT_AT - minutes(5), subject: DEFAULT_IDS.subject });
    const view = new ProfileView(aSnapshot(event, { device: [eventOf(2), again] }));

    // Act
    const finding = deviceManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not count events without a customer (unknown usernames)', () => {
    // Prepare
    const event = aLoginFact();
    const unknownUser = anObservation({ at: FACT_AT - minutes(5), subject: undefined, outcome: 'failure' });
    const view = new ProfileView(aSnapshot(event, { device: [eventOf(2), unknownUser] }));

    // Act
    const finding = deviceManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores events older than the window and later than the event', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(
      aSnapshot(event, { device: [eventOf(2, minutes(1440) + 1), eventOf(3), eventOf(4, -minutes(1))] }),
    );

    // Act
    const finding = deviceManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts an event exactly windowMinutes old', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { device: [eventOf(2, minutes(1440)), eventOf(3)] }));

    // Act
    const finding = deviceManyAccounts.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { accounts: 3 } });
  });

  it('is not run for page views through decide', () => {
    // Prepare
    const config = resolveConfig({
      rules: { DEVICE_MANY_ACCOUNTS: { windowMinutes: 1440, minAccounts: 3 } },
    });
    const login = aLoginFact();
    const browse = aBrowseFact();
    const device = [eventOf(2), eventOf(3)];

    // Act
    const onLogin = decide(login, aSnapshot(login, { device }), config);
    const onBrowse = decide(browse, aSnapshot(browse, { device }), config);

    // Assess
    expect(onLogin.reasons.map((r) => r.code)).toContain('DEVICE_MANY_ACCOUNTS');
    expect(onBrowse.reasons.map((r) => r.code)).not.toContain('DEVICE_MANY_ACCOUNTS');
  });
});
