/** The audit-trail port: who did what and when, appended by the API and read by the admin. */
import type { Role } from '../roles.ts';

/** Audit entries are kept 400 days: a year of look-back for investigations, plus a margin. */
export const AUDIT_RETENTION_DAYS = 400;

/** What was done: every analyst read and disposition, every list read and change, and every customers'-rights request. */
export const AUDIT_ACTIONS = [
  'alerts.list',
  'alert.read',
  'alert.dispose',
  'rules.stats',
  'subject.object',
  'subject.restrict',
  'subject.lift',
  'subject.erase',
  'subject.export',
  'subject.receipt',
  'lists.list',
  'lists.add',
  'lists.remove',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit trail: who (principal and role), what (action, target, details), when. */
export interface AuditEntry {
  entryId: string;
  /** ISO 8601 UTC. */
  at: string;
  principalId: string;
  role: Role;
  action: AuditAction;
  /** The alert, the subject's pseudonym (never the customer id) or the request concerned. */
  target?: string;
  /** The request's parameters (filters, verdict): never free text an analyst typed. */
  details?: Record<string, string | number | boolean>;
}

/** What a listing of the audit trail selects. */
export interface AuditQuery {
  readonly from: string;
  readonly to: string;
  readonly principal?: string | undefined;
}

/** A page of the audit trail, newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  cursor?: string;
}

/**
 * The audit trail port: append and read, nothing else. No update or delete exists on it,
 * and no route writes it other than by appending what a caller did.
 */
export interface AuditLog {
  /** Appends one entry; never replaces an existing one. */
  append(entry: Omit<AuditEntry, 'entryId' | 'at'>): Promise<AuditEntry>;
  /**
   * Entries with `from <= at <= to` (ISO 8601 UTC), newest first; with `principal`, only those
   * whose principal id contains it (an analyst's user name).
   */
  list(query: AuditQuery, limit: number, cursor?: string): Promise<AuditPage>;
}

/** A cursor that this log did not hand out. */
export class InvalidAuditCursorError extends Error {
  constructor() {
    super('not a cursor of this listing');
    this.name = 'InvalidAuditCursorError';
  }
}
