import { TwoGenerationCache } from '../cache.ts';
import type { Decision } from '../decision.ts';
import { type DecisionLog, type LoggedDecision, findEach, saveEach } from '../ports/decisions.ts';

/** Bounds and clock of the in-memory decision log. */
const MEMORY_DECISIONS_DEFAULTS = {
  /** Remembered decisions for duplicate detection: between this many and twice as many of the newest. */
  maxDecisions: 100_000,
  /**
   * The processing clock (epoch ms) that remembered decisions expire by: the detector's own, so
   * that a decision saved at its clock's time plus `DECISION_MEMORY_DAYS` is found for that long
   * by the same clock.
   */
  now: (): number => Date.now(),
};

/**
 * The in-memory adapter of the decision log, for replay and the benchmarks: the newest decisions,
 * bounded by `maxDecisions`.
 *
 * @example
 * ```ts
 * const decisions = new InMemoryDecisionLog({ now: () => clock });
 * await decisions.saveDecision(decision, expiresAt);
 * ```
 */
export class InMemoryDecisionLog implements DecisionLog {
  /**
   * Kept as JSON text: a duplicate is rare, and a string is one small object for the garbage
   * collector where a decision is a tree of them. Two generations, because deleting a Map's
   * oldest entry one at a time is not O(1) in V8 (iteration has to skip the holes the deletions
   * leave at the front).
   */
  readonly #decisions: TwoGenerationCache<string, { json: string; expiresAt: number }>;
  readonly #now: () => number;

  constructor(options: Partial<typeof MEMORY_DECISIONS_DEFAULTS> = {}) {
    const { maxDecisions, now } = { ...MEMORY_DECISIONS_DEFAULTS, ...options };
    this.#decisions = new TwoGenerationCache(maxDecisions);
    this.#now = now;
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    const kept = this.#decisions.get(eventId);
    return kept && kept.expiresAt * 1000 > this.#now() ? (JSON.parse(kept.json) as Decision) : undefined;
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    this.#decisions.set(decision.eventId, { json: JSON.stringify(decision), expiresAt });
  }

  findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    return findEach(this, eventIds);
  }

  saveDecisions(decisions: readonly LoggedDecision[]): Promise<void> {
    return saveEach(this, decisions);
  }
}
