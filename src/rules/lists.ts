/**
 * The analysts' allow and deny entries applied to the rules' decision. It runs after `decide`
 * and leaves its points sum alone: an entry is not one more signal to weigh, it is an analyst's
 * standing verdict on an entity, so it sets the outcome and keeps every rule's reason in view.
 * docs/adr/0010-entity-lists-after-the-rules.md says why it lives here and why deny wins.
 */
import type { Decision, Reason } from '../shared/decision.ts';
import { type ListEntry, entryIdOf } from '../shared/ports/entity-lists.ts';

/** The score of an event an entry denies: the top of the scale, whatever the thresholds. */
export const DENIED_SCORE = 100;

/**
 * The decision with the event's entries applied:
 *
 * - any deny entry: an `ENTITY_DENIED` reason per deny entry, score {@link DENIED_SCORE}, `deny`
 *   (an allow entry on another of the event's entities does not lift it: its `ENTITY_ALLOWED`
 *   reason is shown with no points);
 * - else any allow entry: an `ENTITY_ALLOWED` reason per allow entry, every rule's reason kept
 *   as a shadow reason with no points (what the entry overrode), score 0, `allow`;
 * - no entry: the decision as it is.
 *
 * The reasons name the entry (id, kind, pseudonym, expiry, who made it); the analyst's free-text
 * reason stays with the entry.
 *
 * @example
 * ```ts
 * const final = applyListEntries(decide(facts, snapshot, config), entries);
 * final.reasons.at(-1)?.code; // 'ENTITY_DENIED'
 * ```
 */
export function applyListEntries(decision: Decision, entries: readonly ListEntry[]): Decision {
  if (entries.length === 0) return decision;
  const denies = entries.filter((e) => e.list === 'deny');
  const allows = entries.filter((e) => e.list === 'allow');
  if (denies.length > 0) {
    return {
      ...decision,
      score: DENIED_SCORE,
      decision: 'deny',
      reasons: [
        ...decision.reasons,
        ...denies.map((e) => entryReason(e, DENIED_SCORE, 'denies the event')),
        ...allows.map((e) => entryReason(e, 0, 'is outweighed by a deny entry')),
      ],
    };
  }
  return {
    ...decision,
    score: 0,
    decision: 'allow',
    reasons: [
      ...decision.reasons.map(overridden),
      ...allows.map((e) => entryReason(e, 0, 'keeps the event at allow')),
    ],
  };
}

/** A rule's reason as the allow entry leaves it: shown, adding nothing. */
const overridden = (reason: Reason): Reason => ({ ...reason, points: 0, shadow: true });

function entryReason(entry: ListEntry, points: number, effect: string): Reason {
  return {
    code: entry.list === 'deny' ? 'ENTITY_DENIED' : 'ENTITY_ALLOWED',
    points,
    message: `an analyst's ${entry.list} entry on this ${entry.kind} ${effect} (until ${entry.expiresAt})`,
    evidence: {
      entryId: entryIdOf(entry),
      list: entry.list,
      kind: entry.kind,
      entity: entry.entity,
      createdBy: entry.createdBy,
      expiresAt: entry.expiresAt,
    },
  };
}
