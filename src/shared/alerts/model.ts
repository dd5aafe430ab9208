import type { Alert } from '../ports/alerts.ts';

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
export interface AlertRecord extends Omit<Alert, 'status'> {
  status: AlertStatus;
  disposition?: Disposition;
  /** When DynamoDB's TTL deletes it, epoch seconds. */
  expiresAt: number;
}

/** What `GET /v1/alerts` can filter on; `from`/`to` are ISO 8601 UTC bounds of the event time, inclusive. */
export interface AlertFilter {
  status?: AlertStatus;
  decision?: AlertRecord['decision'];
  eventType?: AlertRecord['eventType'];
  /** A reason code that contributed points (shadow reasons do not count). */
  reason?: string;
  minScore?: number;
  from?: string;
  to?: string;
}

/** One page of alerts, newest first, and the cursor of the next page when there may be more. */
export interface AlertPage {
  alerts: AlertRecord[];
  cursor?: string;
}

/** The alert store the APIs read and dispose through (the pipeline writes with its own writer). */
export interface AlertRepository {
  /** Alerts matching the filter, newest event first; `cursor` from the previous page. */
  list(filter: AlertFilter, limit: number, cursor?: string): Promise<AlertPage>;
  /** One alert, or undefined. */
  get(alertId: string): Promise<AlertRecord | undefined>;
  /**
   * Closes an open alert with a disposition.
   *
   * @throws AlertNotFoundError when there is no such alert
   * @throws AlreadyDisposedError when it was closed before
   */
  dispose(alertId: string, disposition: Disposition): Promise<AlertRecord>;
  /** Every alert of the event-time range (reasons, status and disposition are enough), oldest pages first. */
  each(range: Pick<AlertFilter, 'from' | 'to'>): AsyncIterable<AlertRecord>;
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
 * Whether an alert passes the filter's non-key conditions (status and time are the index's).
 *
 * @example
 * ```ts
 * matches(alert, { reason: 'BRUTE_FORCE', minScore: 50 }); // true when BRUTE_FORCE added points and the score is ≥ 50
 * ```
 */
export function matches(alert: AlertRecord, filter: AlertFilter): boolean {
  if (filter.decision !== undefined && alert.decision !== filter.decision) return false;
  if (filter.eventType !== undefined && alert.eventType !== filter.eventType) return false;
  if (filter.minScore !== undefined && alert.score < filter.minScore) return false;
  if (filter.reason !== undefined && !alert.reasons.some((r) => r.code === filter.reason && !r.shadow)) {
    return false;
  }
  return true;
}
