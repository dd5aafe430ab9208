import { describe, expect, it } from 'vitest';
import { knownClient } from '../../../src/rules/behaviour/known-client.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { aBrowseFact, aSnapshot } from '../../factories/facts.ts';

const evaluate = (event: EventFacts) =>
  knownClient.evaluate(event, new ProfileView(aSnapshot(event)), knownClient.defaults);

describe('KNOWN_CLIENT', () => {
  it('names the list and the entry an allow-listed client matched, for no points', () => {
    // Prepare
    const event = aBrowseFact({ knownClient: { list: 'apps', name: 'winkelhuis-android' } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'allow-listed client (apps: winkelhuis-android)',
      evidence: { list: 'apps', entry: 'winkelhuis-android' },
    });
    expect(knownClient.defaults.points).toBe(0);
  });

  it('stays silent for a client on no list', () => {
    // Prepare
    const event = aBrowseFact();

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeFalsy();
  });
});
