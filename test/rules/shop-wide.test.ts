import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import type { ProfileSnapshot } from '../../src/shared/profile.ts';
import { RULES } from '../../src/rules/index.ts';
import { ProfileView } from '../../src/rules/rule.ts';
import { readsShopWide, SHOP_WIDE_RULES } from '../../src/rules/shop-wide.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder } from '../factories/events.ts';
import { factsOf } from '../factories/pipeline.ts';

describe('SHOP_WIDE_RULES', () => {
  /** Profiles without history and no shop-wide counters: a rule that reads the counters throws. */
  const withoutCounters = new ProfileView({ profiles: new Map() } satisfies ProfileSnapshot);
  const config = resolveConfig();
  const events = [
    aLogin(),
    aLogin({ ip: '145.53.12.7' }),
    aFailedLogin('unknown_user'),
    aFailedLogin('bad_password'),
    aBrowse(),
    aBrowse({ customerId: undefined }),
    anOrder(),
    anOrder({ order: { amountMinor: 90_000, billingCountry: 'DE' } }),
  ].map((e) => factsOf(e));

  it.each(RULES.map((rule) => [rule.code, rule] as const))(
    '%s is listed exactly when it reads the shop-wide counters',
    (code, rule) => {
      // Act
      const reads = events
        .filter((facts) => rule.appliesTo.includes(facts.type))
        .some((facts) => {
          try {
            rule.evaluate(facts, withoutCounters, config.rules[code]!);
            return false;
          } catch (err) {
            if (!(err as Error).message.startsWith('shop-wide counters read, but not loaded')) throw err;
            return true;
          }
        });

      // Assess
      expect(SHOP_WIDE_RULES.has(code)).toBe(reads);
    },
  );

  it('needs the counters for logins and page views only', () => {
    // Act
    const types = (['login', 'browse', 'order'] as const).filter(readsShopWide);

    // Assess
    expect(types).toEqual(['login', 'browse']);
  });
});
