import { describe, expect, it } from 'vitest';
import { hostingNetwork } from '../../../src/rules/ip/hosting-network.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { aBrowseFact, aLoginFact, aSnapshot } from '../../factories/facts.ts';

const S = { ...hostingNetwork.defaults, points: 10 };

const OVH = { kind: 'hosting' as const, name: 'OVH', asn: 16276 };
const GOOGLEBOT = { kind: 'crawler' as const, name: 'googlebot' };

const evaluate = (event: EventFacts) => hostingNetwork.evaluate(event, new ProfileView(aSnapshot(event)), S);

describe('HOSTING_NETWORK', () => {
  it('fires for an address in a hosting network, naming the provider and its AS', () => {
    // Prepare
    const event = aLoginFact({ hosting: OVH });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'client address is in a hosting network (OVH)',
      evidence: { provider: 'OVH', asn: 16276 },
    });
  });

  it('leaves the AS out of the evidence when the range has none', () => {
    // Prepare
    const event = aBrowseFact({ hosting: { kind: 'hosting', name: 'Hetzner' } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'client address is in a hosting network (Hetzner)',
      evidence: { provider: 'Hetzner' },
    });
  });

  it('exempts a verified search-engine crawler in cloud space', () => {
    // Prepare
    const event = aBrowseFact({ hosting: { kind: 'hosting', name: 'Google Cloud' }, crawler: GOOGLEBOT });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeFalsy();
  });

  it('does not fire for an address outside hosting networks', () => {
    // Prepare
    const event = aLoginFact();

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeFalsy();
  });
});
