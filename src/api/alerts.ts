import * as z from 'zod';
import type { AlertFilter, StoredAlert, AlertRepository } from '../shared/ports/alerts.ts';
import { rfc3339ToMs } from '../shared/contract/events.ts';
import type { AuditLog } from '../shared/ports/audit.ts';
import { type Observation, type ProfileKey, profileKey } from '../shared/profile.ts';
import type { ProfileStore } from '../shared/ports/profiles.ts';
import { type CursorScope, type CursorSigner, invalidCursor } from './cursors.ts';
import { ApiError } from './errors.ts';
import type { Caller } from './roles.ts';
import type {
  AlertDetailSchema,
  AlertListSchema,
  AlertSchema,
  AuditListSchema,
  AuditQuerySchema,
  DisposeBodySchema,
  ListAlertsQuerySchema,
  RuleStats,
  RuleStatsQuerySchema,
} from './schemas.ts';

/** Alerts per page when the request names no limit. */
export const DEFAULT_ALERT_PAGE = 25;
/** Observations shown in an alert's timeline, newest first. */
export const TIMELINE_LENGTH = 50;
/** Audit entries per page when the request names no limit. */
export const DEFAULT_AUDIT_PAGE = 100;
/** The audit trail is read over at most this many days per request (its retention). */
const MAX_AUDIT_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

export interface AlertsDeps {
  alerts: AlertRepository;
  audit: AuditLog;
  /** Read for an alert's timeline only (`load`); never written here. */
  store: Pick<ProfileStore, 'load'>;
  /** The processing clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** The listings' dependencies: those of the alerts routes and the signer of their cursors. */
export interface ListingDeps extends AlertsDeps {
  cursors: CursorSigner;
}

type ApiAlert = z.input<typeof AlertSchema>;

/**
 * An alert as the API shows it (expiry as a timestamp).
 *
 * @example
 * ```ts
 * toApiAlert(record).expiresAt; // '2027-02-22T10:00:00.000Z'
 * ```
 */
export function toApiAlert(record: StoredAlert): ApiAlert {
  const { expiresAt, ...rest } = record;
  return { ...rest, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** RFC 3339 text (any offset) as ISO 8601 UTC, which is how alert and audit times are stored and compared. */
const utc = (text: string): string => new Date(rfc3339ToMs(text)).toISOString();

function timeRange(query: {
  from?: string | undefined;
  to?: string | undefined;
}): Pick<AlertFilter, 'from' | 'to'> {
  const range: Pick<AlertFilter, 'from' | 'to'> = {};
  if (query.from !== undefined) range.from = utc(query.from);
  if (query.to !== undefined) range.to = utc(query.to);
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new ApiError(400, 'INVALID_REQUEST', 'from: must not be after to', 'from');
  }
  return range;
}

/** The request's parameters as audit details (only those given). */
const details = (query: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));

/**
 * `GET /v1/alerts`: one page of alerts, newest event first, audited.
 *
 * @example
 * ```ts
 * const page = await listAlerts(deps, caller, { status: 'open', minScore: '80' });
 * ```
 */
export async function listAlerts(
  deps: ListingDeps,
  caller: Caller,
  query: z.output<typeof ListAlertsQuerySchema>,
): Promise<z.input<typeof AlertListSchema>> {
  const filter: AlertFilter = timeRange(query);
  if (query.status) filter.status = query.status;
  if (query.decision) filter.decision = query.decision;
  if (query.eventType) filter.eventType = query.eventType;
  if (query.reason) filter.reason = query.reason;
  if (query.minScore !== undefined) filter.minScore = Number(query.minScore);
  if (query.entity) filter.entity = query.entity;
  const scope: CursorScope = { listing: 'alerts', filter: { ...filter } };
  const position = query.cursor === undefined ? undefined : deps.cursors.open(scope, query.cursor);
  await deps.audit.append({
    ...who(caller),
    action: 'alerts.list',
    details: details({ ...query, cursor: undefined }),
  });
  const page = await deps.alerts.list(filter, Number(query.limit ?? DEFAULT_ALERT_PAGE), position);
  const alerts = page.alerts.map(toApiAlert);
  return page.cursor === undefined ? { alerts } : { alerts, cursor: deps.cursors.sign(scope, page.cursor) };
}

/**
 * `GET /v1/alerts/{id}`: the alert and its subject's recent pseudonymous timeline, audited.
 *
 * @throws ApiError 404 when there is no such alert
 *
 * @example
 * ```ts
 * const { alert, timeline } = await getAlert(deps, caller, 'ev-0003');
 * ```
 */
export async function getAlert(
  deps: AlertsDeps,
  caller: Caller,
  alertId: string,
): Promise<z.input<typeof AlertDetailSchema>> {
  await deps.audit.append({ ...who(caller), action: 'alert.read', target: alertId });
  const alert = await deps.alerts.get(alertId);
  if (!alert) throw new ApiError(404, 'NOT_FOUND', 'id: no alert with this id', 'id');
  const key = timelineKey(alert);
  if (!key) return { alert: toApiAlert(alert) };
  const snapshot = await deps.store.load([key], (deps.now ?? Date.now)());
  const observations = [...(snapshot.profiles.get(key)?.observations ?? [])]
    .reverse()
    .slice(0, TIMELINE_LENGTH)
    .map(toTimelineEntry);
  return { alert: toApiAlert(alert), timeline: { profile: key, observations } };
}

/** Whose history explains the alert: the customer's, else the account's (unknown users), else the address's. */
function timelineKey(alert: StoredAlert): ProfileKey | undefined {
  if (alert.subject) return profileKey('subject', alert.subject);
  if (alert.entities.username) return profileKey('username', alert.entities.username);
  if (alert.entities.ip) return profileKey('ip', alert.entities.ip);
  return undefined;
}

function toTimelineEntry(o: Observation) {
  const { eventId, kind, at, expiresAt, ...facts } = o;
  return {
    eventId,
    kind,
    at: new Date(at).toISOString(),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    facts: facts as Record<string, string | number | boolean>,
  };
}

/**
 * `POST /v1/alerts/{id}/disposition`: closes the alert with the verdict, the note, the caller
 * as who and now as when. Audited before it is applied, so no disposition is ever unaudited.
 *
 * @throws AlertNotFoundError, AlreadyDisposedError (404, 409)
 *
 * @example
 * ```ts
 * const closed = await disposeAlert(deps, caller, 'ev-0003', { verdict: 'fraud', note: 'chargeback' });
 * ```
 */
export async function disposeAlert(
  deps: AlertsDeps,
  caller: Caller,
  alertId: string,
  body: z.output<typeof DisposeBodySchema>,
): Promise<ApiAlert> {
  await deps.audit.append({
    ...who(caller),
    action: 'alert.dispose',
    target: alertId,
    details: { verdict: body.verdict, noteChars: body.note.length },
  });
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const record = await deps.alerts.dispose(alertId, {
    verdict: body.verdict,
    note: body.note,
    by: caller.principalId,
    at,
  });
  return toApiAlert(record);
}

/**
 * `GET /v1/rules/stats`: per reason code over the alerts of the time range (all retained by
 * default), how many alerts it contributed points to, how many are open, the verdicts on the
 * closed ones and the resulting precision, fraud / (fraud + legitimate). Audited.
 *
 * @example
 * ```ts
 * const { rules } = await ruleStats(deps, caller, {});
 * rules.find((r) => r.code === 'NEW_DEVICE')?.precision; // 0.25: noisy
 * ```
 */
export async function ruleStats(
  deps: AlertsDeps,
  caller: Caller,
  query: z.output<typeof RuleStatsQuerySchema>,
): Promise<RuleStats> {
  const range = timeRange(query);
  await deps.audit.append({ ...who(caller), action: 'rules.stats', details: details(query) });
  const byCode = new Map<string, RuleRow>();
  let alerts = 0;
  for await (const alert of deps.alerts.each(range)) {
    alerts++;
    for (const code of new Set(alert.reasons.filter((r) => !r.shadow && !r.within).map((r) => r.code))) {
      let row = byCode.get(code);
      if (!row) byCode.set(code, (row = newRuleRow(code)));
      countAlert(row, alert);
    }
  }
  const rules = [...byCode.values()]
    .map((row) => {
      const judged = row.dispositions.fraud + row.dispositions.legitimate;
      return {
        ...row,
        precision: judged === 0 ? null : Math.round((row.dispositions.fraud / judged) * 1000) / 1000,
        days: [...row.days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      };
    })
    .sort((a, b) => b.alerts - a.alerts || a.code.localeCompare(b.code));
  return { ...range, alerts, rules };
}

type RuleDay = RuleStats['rules'][number]['days'][number];
/** A rule's counts while the alerts are read; its days by UTC day. */
type RuleRow = Omit<RuleStats['rules'][number], 'days'> & { days: Map<string, RuleDay> };

const newRuleRow = (code: string): RuleRow => ({
  code,
  alerts: 0,
  open: 0,
  dispositions: { fraud: 0, legitimate: 0, unsure: 0 },
  precision: null,
  days: new Map(),
});

/** Counts one alert the rule contributed points to, in the totals and in its day. */
function countAlert(row: RuleRow, alert: StoredAlert): void {
  const dayOf = alert.occurredAt.slice(0, 10);
  let day = row.days.get(dayOf);
  if (!day) row.days.set(dayOf, (day = { day: dayOf, alerts: 0, fraud: 0, legitimate: 0 }));
  row.alerts++;
  day.alerts++;
  const verdict = alert.disposition?.verdict;
  if (verdict === undefined) row.open++;
  else row.dispositions[verdict]++;
  if (verdict === 'fraud' || verdict === 'legitimate') day[verdict]++;
}

/** What an audit cursor holds besides the store's position: the range of its first page. */
const AuditPositionSchema = z.object({
  from: z.string(),
  to: z.string(),
  position: z.string(),
});

/**
 * `GET /v1/audit` (admin): the audit trail, newest first; the last 7 days by default, of one
 * principal with `principal`. The range is fixed by the first page and travels in the cursor (a
 * default `to` of "now" does not move from page to page); the cursor is bound to the principal.
 *
 * @example
 * ```ts
 * const { entries } = await listAudit(deps, { from: '2026-11-01T00:00:00Z' });
 * ```
 */
export async function listAudit(
  deps: Pick<ListingDeps, 'audit' | 'now' | 'cursors'>,
  query: z.output<typeof AuditQuerySchema>,
): Promise<z.input<typeof AuditListSchema>> {
  const scope: CursorScope = {
    listing: 'audit',
    filter: { from: query.from, to: query.to, principal: query.principal },
  };
  const resumed = query.cursor === undefined ? undefined : openAuditCursor(deps.cursors, scope, query.cursor);
  const range = resumed ?? auditRange(query, (deps.now ?? Date.now)());
  const page = await deps.audit.list(
    { from: range.from, to: range.to, principal: query.principal },
    Number(query.limit ?? DEFAULT_AUDIT_PAGE),
    resumed?.position,
  );
  if (page.cursor === undefined) return { entries: page.entries };
  const position: z.infer<typeof AuditPositionSchema> = { ...range, position: page.cursor };
  return { entries: page.entries, cursor: deps.cursors.sign(scope, JSON.stringify(position)) };
}

/** The range a first page asks for: `to` now and `from` 7 days before by default, at most 400 days. */
function auditRange(query: { from?: string | undefined; to?: string | undefined }, now: number) {
  const to = query.to === undefined ? new Date(now).toISOString() : utc(query.to);
  const from =
    query.from === undefined ? new Date(Date.parse(to) - 7 * DAY_MS).toISOString() : utc(query.from);
  if (from > to) throw new ApiError(400, 'INVALID_REQUEST', 'from: must not be after to', 'from');
  if (Date.parse(to) - Date.parse(from) > MAX_AUDIT_RANGE_DAYS * DAY_MS) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `from: at most ${MAX_AUDIT_RANGE_DAYS} days before to`,
      'from',
    );
  }
  return { from, to };
}

/**
 * The range and position an audit cursor carries. Signed, so only this API made it; checked
 * again all the same, as any input is.
 */
function openAuditCursor(cursors: CursorSigner, scope: CursorScope, cursor: string) {
  const resumed = AuditPositionSchema.safeParse(parseJson(cursors.open(scope, cursor)));
  if (!resumed.success) throw invalidCursor();
  const range = auditRange(resumed.data, 0);
  if (range.from !== resumed.data.from || range.to !== resumed.data.to) throw invalidCursor();
  return resumed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const who = (caller: Caller) => ({ principalId: caller.principalId, role: caller.role });
