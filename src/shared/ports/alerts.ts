/** The alerts port: what the consumer writes for the analysts, and what the rights service reaches. */
import type { EventType } from '../contract/events.ts';
import type { Outcome, Reason } from '../decision.ts';
import type { Pseudonym, SubjectPseudonym } from '../pseudonymise.ts';

/**
 * Alerts are kept 90 days for the analysts (a placeholder until the alert APIs issue settles
 * the retention with the privacy policy).
 */
export const ALERT_RETENTION_DAYS = 90;

/** A review or deny decision, for the analysts: pseudonymous, with its full explanation. */
export interface Alert {
  /** The eventId. */
  alertId: string;
  decision: Exclude<Outcome, 'allow'>;
  score: number;
  reasons: Reason[];
  rulesetVersion: string;
  eventType: EventType;
  /** Event time, ISO 8601 UTC. */
  occurredAt: string;
  subject?: SubjectPseudonym;
  /** The pseudonyms of the entities the event involved. */
  entities: Partial<
    Record<
      'ip' | 'network' | 'device' | 'client' | 'userAgent' | 'username' | 'payment' | 'address',
      Pseudonym
    >
  >;
  status: 'open';
}

export interface AlertWriter {
  /** Writes the alerts; writing the same alert again leaves one item. */
  write(alerts: readonly Alert[]): Promise<void>;
}

/**
 * The alerts about a subject, for access and erasure. An alert's id is the eventId of the event
 * that raised it, so the subject's own signals name most of its alerts; an index by subject finds
 * the rest (older alerts whose signals have expired), but indexes lag behind writes
 * (eventually consistent), so both are used.
 */
export interface SubjectAlerts {
  /** The subject's alerts: those its index lists and those of these event ids that are the subject's. */
  ofSubject(subject: SubjectPseudonym, eventIds: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Deletes them. @returns how many were deleted. */
  eraseSubject(subject: SubjectPseudonym, eventIds: readonly string[]): Promise<number>;
}
