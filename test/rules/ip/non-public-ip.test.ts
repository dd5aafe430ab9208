import { describe, expect, it } from 'vitest';
import { nonPublicIp } from '../../../src/rules/ip/non-public-ip.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import { aBrowseFact, aSnapshot } from '../../factories/facts.ts';

const S = { ...nonPublicIp.defaults, points: 10 };

describe('NON_PUBLIC_IP', () => {
  it.each([['private'], ['loopback'], ['link-local'], ['reserved']] as const)(
    'fires for a %s address and names the range',
    (range) => {
      // Prepare
      const event = aBrowseFact({ ip: { range } });

      // Act
      const finding = nonPublicIp.evaluate(event, new ProfileView(aSnapshot(event)), S);

      // Assess
      expect(finding).toEqual({
        message: `client address is ${range}, not a public address`,
        evidence: { range },
      });
    },
  );

  it('does not fire for a public address', () => {
    // Prepare
    const event = aBrowseFact({ ip: { range: 'public' } });

    // Act
    const finding = nonPublicIp.evaluate(event, new ProfileView(aSnapshot(event)), S);

    // Assess
    expect(finding).toBeFalsy();
  });
});
