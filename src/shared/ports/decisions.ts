/** The decision-log port: the decision given to each event id, for duplicate deliveries. */
import type { Decision } from '../decision.ts';

/** A decision and when it may be forgotten (epoch seconds). */
export interface LoggedDecision {
  decision: Decision;
  expiresAt: number;
}

/**
 * Remembers the decision given to each event, so that a redelivered event gets the same answer
 * (marked duplicate) instead of being scored and recorded twice. A decision past its `expiresAt`
 * is never returned, even if the store has not deleted it yet.
 */
export interface DecisionLog {
  /** The decision already given to an event id, if any. */
  findDecision(eventId: string): Promise<Decision | undefined>;
  /** Remembers a decision until `expiresAt` (epoch seconds). */
  saveDecision(decision: Decision, expiresAt: number): Promise<void>;
  /** The batch form of {@link findDecision}: the decisions already given to any of these event ids. */
  findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>>;
  /** The batch form of {@link saveDecision}. */
  saveDecisions(decisions: readonly LoggedDecision[]): Promise<void>;
}

/** The batch form of `findDecision` for a log whose single look-ups cost nothing extra. */
export async function findEach(
  log: Pick<DecisionLog, 'findDecision'>,
  eventIds: readonly string[],
): Promise<Map<string, Decision>> {
  const found = new Map<string, Decision>();
  for (const id of eventIds) {
    const decision = await log.findDecision(id);
    if (decision) found.set(id, decision);
  }
  return found;
}

/** The batch form of `saveDecision` for a log whose single writes cost nothing extra. */
export async function saveEach(
  log: Pick<DecisionLog, 'saveDecision'>,
  decisions: readonly LoggedDecision[],
): Promise<void> {
  for (const { decision, expiresAt } of decisions) await log.saveDecision(decision, expiresAt);
}
