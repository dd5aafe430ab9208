/**
 * What the detection answers for one event: the types every layer shares (the rules produce
 * them, the stores keep them, the APIs return them).
 */
import type { EventType } from './contract/events.ts';

/** A stable, upper-case identifier of why a score was given, e.g. `BRUTE_FORCE`. */
export type ReasonCode = Uppercase<string>;

/** The values that made a rule fire, for the analyst. Pseudonyms, counts and coarse facts only. */
export type Evidence = Readonly<Record<string, string | number | boolean>>;

/** One explained contribution to a score. */
export interface Reason {
  code: ReasonCode;
  points: number;
  message: string;
  evidence: Evidence;
  /** Evaluated and reported, but added no points (the rule is in shadow mode). */
  shadow?: true;
  /**
   * Reported, but added no points: it reads the same evidence as this stronger reason of its
   * group (see `Rule.group`), and evidence counts once.
   */
  within?: ReasonCode;
}

export type Outcome = 'allow' | 'review' | 'deny';

/** The answer for one event: a 0–100 score, what to do, and why. */
export interface Decision {
  eventId: string;
  eventType: EventType;
  score: number;
  decision: Outcome;
  reasons: Reason[];
  rulesetVersion: string;
}
