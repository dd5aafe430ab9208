import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/shared/decision.ts';
import type { DecisionLog } from '../../../src/shared/ports/decisions.ts';
import { type StoreUnderTest, storesClosedAfterEach } from './profiles.contract.ts';

const DAY_S = 86_400;

function aDecision(eventId: string): Decision {
  return {
    eventId,
    eventType: 'login',
    score: 45,
    decision: 'review',
    reasons: [
      { code: 'IMPOSSIBLE_TRAVEL', points: 45, message: 'm', evidence: { kmh: 1200, countryCode: 'BR' } },
    ],
    rulesetVersion: 'test',
  };
}

/**
 * The behaviours every DecisionLog adapter promises, run against each adapter by its own test
 * file. `makeLog` returns a fresh, empty log.
 */
export function describeDecisionLogContract(
  name: string,
  makeLog: () => Promise<StoreUnderTest<DecisionLog>>,
): void {
  describe(`DecisionLog contract: ${name}`, () => {
    const open = storesClosedAfterEach(makeLog);

    it('finds a saved decision by event id', async () => {
      // Prepare
      const log = await open();
      const decision = aDecision('evt-saved');

      // Act
      await log.saveDecision(decision, Math.floor(Date.now() / 1000) + DAY_S);

      // Assess
      expect(await log.findDecision('evt-saved')).toEqual(decision);
    });

    it('finds no decision for an unknown event id', async () => {
      // Prepare
      const log = await open();
      await log.saveDecision(aDecision('evt-other'), Math.floor(Date.now() / 1000) + DAY_S);

      // Act
      const found = await log.findDecision('evt-unknown');

      // Assess
      expect(found).toBeUndefined();
    });

    it('finds no decision once it has expired', async () => {
      // Prepare
      const log = await open();

      // Act
      await log.saveDecision(aDecision('evt-expired'), Math.floor(Date.now() / 1000) - 10);

      // Assess
      expect(await log.findDecision('evt-expired')).toBeUndefined();
    });

    it('saves and finds decisions in batches, leaving out unknown and expired ones', async () => {
      // Prepare
      const log = await open();
      const nowS = Math.floor(Date.now() / 1000);
      const live = Array.from({ length: 30 }, (_, i) => aDecision(`evt-batch-${i}`));

      // Act
      await log.saveDecisions([
        ...live.map((decision) => ({ decision, expiresAt: nowS + DAY_S })),
        { decision: aDecision('evt-batch-expired'), expiresAt: nowS - 10 },
      ]);
      const found = await log.findDecisions([
        ...live.map((d) => d.eventId),
        'evt-batch-expired',
        'evt-batch-unknown',
      ]);

      // Assess
      expect(found.size).toBe(30);
      expect(found.get('evt-batch-7')).toEqual(live[7]);
      expect(found.has('evt-batch-expired')).toBe(false);
      expect(found.has('evt-batch-unknown')).toBe(false);
    });
  });
}
