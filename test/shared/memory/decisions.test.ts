import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/shared/decision.ts';
import { InMemoryDecisionLog } from '../../../src/shared/memory/decisions.ts';
import { DAY_S, ms } from '../../factories/pipeline.ts';

const T0 = ms('2026-11-24T08:00:00Z');

function aDecision(eventId: string): Decision {
  return { eventId, eventType: 'login', score: 0, decision: 'allow', reasons: [], rulesetVersion: 'test' };
}

describe('InMemoryDecisionLog', () => {
  it('remembers a decision by eventId', async () => {
    // Prepare
    const store = new InMemoryDecisionLog({ now: () => T0 });
    const decision = aDecision('ev-1');

    // Act
    await store.saveDecision(decision, Math.floor(T0 / 1000) + 8 * DAY_S);

    // Assess
    expect(await store.findDecision('ev-1')).toEqual(decision);
    expect(await store.findDecision('ev-2')).toBeUndefined();
  });

  it('keeps between maxDecisions and twice as many of the newest decisions', async () => {
    // Prepare
    const store = new InMemoryDecisionLog({ maxDecisions: 2, now: () => T0 });
    const ids = ['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5'];

    // Act
    for (const id of ids) await store.saveDecision(aDecision(id), Math.floor(T0 / 1000) + 8 * DAY_S);
    const found = await Promise.all(ids.map((id) => store.findDecision(id)));

    // Assess
    expect(found.map((d) => d?.eventId)).toEqual([undefined, undefined, 'ev-3', 'ev-4', 'ev-5']);
  });
});

describe('InMemoryDecisionLog: expiry', () => {
  it('forgets a decision when its own clock, not the wall clock, passes the expiry', async () => {
    // Prepare: a clock a year from the wall clock's time, and one a year before it
    const later = Date.now() + 365 * DAY_S * 1000;
    let clock = later;
    const store = new InMemoryDecisionLog({ now: () => clock });
    const expiresAt = Math.floor(later / 1000) + 8 * DAY_S;
    const earlier = new InMemoryDecisionLog({ now: () => Date.now() - 365 * DAY_S * 1000 });

    // Act
    await store.saveDecision(aDecision('ev-1'), expiresAt);
    await earlier.saveDecision(aDecision('ev-2'), Math.floor(Date.now() / 1000) - 10);
    const beforeExpiry = await store.findDecision('ev-1');
    clock = expiresAt * 1000;
    const atExpiry = await store.findDecision('ev-1');

    // Assess
    expect(beforeExpiry?.eventId).toBe('ev-1');
    expect(atExpiry).toBeUndefined();
    expect((await earlier.findDecision('ev-2'))?.eventId).toBe('ev-2');
  });
});
