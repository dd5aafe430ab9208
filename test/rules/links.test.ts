import { describe, expect, it } from 'vitest';
import { isFreshOrder, linkPoints, otherAccounts, strangerAccounts } from '../../src/rules/links.ts';
import { anObservation, pseudonym } from '../factories/facts.ts';

const S = { points: 30, pointsPerLogAccount: 26, maxPoints: 80 };

describe('entity links', () => {
  it.each([
    [1, 30],
    [2, 48],
    [4, 66],
    [20, 80],
  ])('gives %i linked accounts %i points', (accounts, points) => {
    // Prepare
    const settings = S;

    // Act
    const result = linkPoints(accounts, settings);

    // Assess
    expect(result).toBe(points);
  });

  it('counts distinct accounts other than the given one that the predicate accepts', () => {
    // Prepare
    const [a, b, c] = ['subject-a', 'subject-b', 'subject-c'].map(pseudonym);
    const observations = [
      anObservation({ subject: a }),
      anObservation({ subject: b }),
      anObservation({ subject: b }),
      anObservation({ subject: c, outcome: 'failure' }),
      anObservation({ subject: undefined }),
    ];

    // Act
    const others = otherAccounts(observations, a!, (o) => o.outcome === 'success');

    // Assess
    expect([...others]).toEqual([b]);
  });

  it.each([
    ['an order of an account newAccountDays old', { kind: 'order', accountAgeDays: 7 }, true],
    ['an order of an older account', { kind: 'order', accountAgeDays: 8 }, false],
    ['an order of unknown account age', { kind: 'order' }, false],
    ['a login', { kind: 'login', accountAgeDays: 0 }, false],
  ] as const)('takes %s as fresh: %s', (_label, over, fresh) => {
    // Prepare
    const observation = anObservation(over);

    // Act
    const result = isFreshOrder(observation, 7);

    // Assess
    expect(result).toBe(fresh);
  });
});

describe('accounts linked from outside the household', () => {
  const [me, a, b, c] = ['subject-me', 'subject-a', 'subject-b', 'subject-c'].map(pseudonym);
  const home = pseudonym('network-home');
  const event = { subject: me!, network: home, hosting: false };
  const on = (subject: typeof me, network = home) => anObservation({ subject, network });

  it('counts accounts from other networks, and leaves out a few from this one', () => {
    // Prepare
    const observations = [on(a), on(b), on(c, pseudonym('network-elsewhere'))];

    // Act
    const linked = strangerAccounts(observations, event, 3, () => true);

    // Assess
    expect([...linked]).toEqual([c]);
  });

  it('counts the accounts from this network too once they are more than a household', () => {
    // Prepare
    const observations = [a, b, c].map((s) => on(s));

    // Act
    const linked = strangerAccounts(observations, event, 2, () => true);

    // Assess
    expect(linked.size).toBe(3);
  });

  it('counts the accounts from this network from the first when it is a hosting network', () => {
    // Prepare
    const observations = [on(a)];

    // Act
    const linked = strangerAccounts(observations, { ...event, hosting: true }, 3, () => true);

    // Assess
    expect([...linked]).toEqual([a]);
  });
});
