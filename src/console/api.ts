/**
 * The console's only way to the server: the public HTTP APIs (docs/api.md) with the analyst's
 * bearer token, on the console's origin locally and on the API's own in AWS (`config.json`). The answer types are the routes' own schemas (type-only imports:
 * nothing of the server is bundled).
 */
import type { z } from 'zod';
import type {
  AlertDetailSchema,
  AlertListSchema,
  AlertSchema,
  AuditListSchema,
  RuleStatsSchema,
} from '../api/schemas.ts';
import type { ReceiptSchema } from '../api/rights-schemas.ts';
import { consoleConfig } from './config.ts';
import { currentToken } from './session.ts';

export type Alert = z.infer<typeof AlertSchema>;
export type AlertList = z.infer<typeof AlertListSchema>;
export type AlertDetail = z.infer<typeof AlertDetailSchema>;
export type RuleStats = z.infer<typeof RuleStatsSchema>;
export type AuditList = z.infer<typeof AuditListSchema>;
export type Receipt = z.infer<typeof ReceiptSchema>;
export type Verdict = NonNullable<Alert['disposition']>['verdict'];

/** An error answer of the API: its status and stable code, and its message (which names the field). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Calls a route; resolves with its JSON answer or rejects with an {@link ApiFailure}. */
export async function callApi<T>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${currentToken() ?? ''}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${consoleConfig().apiUrl}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const json = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  if (!response.ok) {
    throw new ApiFailure(
      response.status,
      json?.error?.code ?? 'INTERNAL',
      json?.error?.message ?? `the API answered ${response.status}`,
    );
  }
  return json as T;
}

/** Listing requests one view makes at most to fill its page. */
const MAX_LIST_REQUESTS = 10;

/**
 * Up to `want` alerts of a filter from `cursor` on. The API may answer a selective filter with a
 * short, even empty, page and a cursor (its reads per page are bounded: docs/api.md, "Cursors"),
 * so the next pages are read until the view is full, the listing ends, or `maxRequests`
 * (default {@link MAX_LIST_REQUESTS}) requests were made.
 */
export async function listAlerts(
  filter: URLSearchParams,
  want: number,
  options: { cursor?: string | undefined; maxRequests?: number } = {},
): Promise<AlertList> {
  const alerts: Alert[] = [];
  let next = options.cursor;
  const maxRequests = options.maxRequests ?? MAX_LIST_REQUESTS;
  for (let request = 0; request < maxRequests && alerts.length < want; request++) {
    const query = new URLSearchParams(filter);
    query.set('limit', String(want - alerts.length));
    if (next) query.set('cursor', next);
    const page = await callApi<AlertList>(`/v1/alerts?${query}`);
    alerts.push(...page.alerts);
    next = page.cursor;
    if (!next) break;
  }
  return next ? { alerts, cursor: next } : { alerts };
}

/** Closes an alert with a verdict and a note (the API records who and when). */
export const disposeAlert = (alertId: string, verdict: Verdict, note = ''): Promise<Alert> =>
  callApi<Alert>(`/v1/alerts/${encodeURIComponent(alertId)}/disposition`, {
    method: 'POST',
    body: { verdict, note },
  });
