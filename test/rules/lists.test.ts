import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/shared/decision.ts';
import { DENIED_SCORE, applyListEntries } from '../../src/rules/lists.ts';
import { aListEntry, aPseudonym } from '../factories/lists.ts';

/** A review decision of two rules, as `decide` gives it. */
function aReview(): Decision {
  return {
    eventId: 'ev-1',
    eventType: 'order',
    score: 55,
    decision: 'review',
    reasons: [
      { code: 'NEW_DEVICE', points: 25, message: 'm', evidence: { devices: 3 } },
      { code: 'NEW_ADDRESS_HIGH_VALUE', points: 30, message: 'm', evidence: { amountMinor: 90_000 } },
    ],
    rulesetVersion: 'test',
  };
}

describe('applyListEntries', () => {
  it('leaves the decision as it is without entries', () => {
    // Prepare
    const decision = aReview();

    // Act
    const applied = applyListEntries(decision, []);

    // Assess
    expect(applied).toEqual(aReview());
  });

  it('denies on a deny entry, naming the entry, and keeps the rules’ reasons', () => {
    // Prepare
    const entry = aListEntry({ list: 'deny', kind: 'address' });

    // Act
    const applied = applyListEntries(aReview(), [entry]);

    // Assess
    expect(applied).toMatchObject({ score: DENIED_SCORE, decision: 'deny' });
    expect(applied.reasons.slice(0, 2)).toEqual(aReview().reasons);
    expect(applied.reasons[2]).toMatchObject({
      code: 'ENTITY_DENIED',
      points: DENIED_SCORE,
      evidence: { entryId: `deny.address.${entry.entity}`, kind: 'address', entity: entry.entity },
    });
  });

  it('keeps an allow entry’s event at allow, the overridden reasons shown as shadow reasons', () => {
    // Prepare
    const entry = aListEntry({ list: 'allow', kind: 'subject' });

    // Act
    const applied = applyListEntries(aReview(), [entry]);

    // Assess
    expect(applied).toMatchObject({ score: 0, decision: 'allow' });
    expect(applied.reasons.map((r) => [r.code, r.points, r.shadow])).toEqual([
      ['NEW_DEVICE', 0, true],
      ['NEW_ADDRESS_HIGH_VALUE', 0, true],
      ['ENTITY_ALLOWED', 0, undefined],
    ]);
  });

  it('lets a deny entry win over an allow entry on another entity of the event', () => {
    // Prepare
    const allow = aListEntry({ list: 'allow', kind: 'subject', entity: aPseudonym(1) });
    const deny = aListEntry({ list: 'deny', kind: 'payment', entity: aPseudonym(2) });

    // Act
    const applied = applyListEntries(aReview(), [allow, deny]);

    // Assess
    expect(applied.decision).toBe('deny');
    expect(applied.reasons.slice(2).map((r) => [r.code, r.points])).toEqual([
      ['ENTITY_DENIED', DENIED_SCORE],
      ['ENTITY_ALLOWED', 0],
    ]);
  });

  it('never quotes the analyst’s free-text reason in the decision', () => {
    // Prepare
    const entry = aListEntry({ reason: 'called the customer, Jan de Vries' });

    // Act
    const applied = applyListEntries(aReview(), [entry]);

    // Assess
    expect(JSON.stringify(applied)).not.toContain('Jan de Vries');
  });
});
