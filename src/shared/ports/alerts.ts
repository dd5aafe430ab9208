/**
 * The alerts port: what the consumer writes for the analysts ({@link AlertWriter}), what the
 * analysts' APIs read and dispose of ({@link AlertRepository}), and what the rights service
 * reaches ({@link SubjectAlerts}).
 */
import type { EventType } from '../contract/events.ts';
import type { Outcome, Reason } from '../decision.ts';
import type { Pseudonym, SubjectPseudonym } from '../pseudonymise.ts';

/**
 * Alerts are kept 90 days for the analysts (a placeholder until the alert APIs issue settles
 * the retention with the privacy policy).
 */
export const ALERT_RETENTION_DAYS = 90;

/**
 * A review or deny decision as the consumer raises it, for the analysts: pseudonymous, with its
 * full explanation. Stored, it becomes a {@link StoredAlert}.
 */
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

/** An analyst's verdict on an alert. */
export const VERDICTS = ['fraud', 'legitimate', 'unsure'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** `open` until an analyst disposes of it, then `closed` (and still readable). */
export const ALERT_STATUSES = ['open', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Who decided what about an alert, and when. */
export interface Disposition {
  verdict: Verdict;
  note: string;
  /** The principal of the analyst (from the API's authorisation), never typed in by the analyst. */
  by: string;
  /** ISO 8601 UTC. */
  at: string;
}

/** An alert as stored: what the pipeline wrote, its status, and the disposition once closed. */
export interface StoredAlert extends Omit<Alert, 'status'> {
  status: AlertStatus;
  disposition?: Disposition;
  /** When DynamoDB's TTL deletes it, epoch seconds. */
  expiresAt: number;
}

/** What `GET /v1/alerts` can filter on; `from`/`to` are ISO 8601 UTC bounds of the event time, inclusive. */
export interface AlertFilter {
  status?: AlertStatus;
  decision?: StoredAlert['decision'];
  eventType?: StoredAlert['eventType'];
  /** A reason code that contributed points (shadow reasons, and reasons within a stronger one, do not). */
  reason?: string;
  minScore?: number;
  /** A pseudonym the alert shares: its subject's or one of its entities' (the other alerts of a device, address, …). */
  entity?: string;
  from?: string;
  to?: string;
}

/** One page of alerts, newest first, and the cursor of the next page when there may be more. */
export interface AlertPage {
  alerts: StoredAlert[];
  cursor?: string;
}

/** The alerts as the analysts' APIs read and dispose of them (the consumer writes through {@link AlertWriter}). */
export interface AlertRepository {
  /** Alerts matching the filter, newest event first; `cursor` from the previous page. */
  list(filter: AlertFilter, limit: number, cursor?: string): Promise<AlertPage>;
  /** One alert, or undefined. */
  get(alertId: string): Promise<StoredAlert | undefined>;
  /**
   * Closes an open alert with a disposition.
   *
   * @throws AlertNotFoundError when there is no such alert
   * @throws AlreadyDisposedError when it was closed before
   */
  dispose(alertId: string, disposition: Disposition): Promise<StoredAlert>;
  /** Every alert of the event-time range (reasons, status and disposition are enough), oldest pages first. */
  each(range: Pick<AlertFilter, 'from' | 'to'>): AsyncIterable<StoredAlert>;
}

export class AlertNotFoundError extends Error {
  constructor(readonly alertId: string) {
    super('no alert with this id');
    this.name = 'AlertNotFoundError';
  }
}

export class AlreadyDisposedError extends Error {
  constructor(readonly disposition: Disposition | undefined) {
    super('the alert was already disposed of');
    this.name = 'AlreadyDisposedError';
  }
}

/** A cursor that this store did not hand out (or that was altered). */
export class InvalidCursorError extends Error {
  constructor() {
    super('not a cursor of this listing');
    this.name = 'InvalidCursorError';
  }
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
