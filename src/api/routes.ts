/**
 * Every route of the Vigil APIs in one table: method, path (API Gateway resource syntax), the
 * Lambda entry in `functions/`, the roles allowed, and the request and answer schemas. The
 * handlers, the local gateway and the OpenAPI document are all built from it.
 */
import type { z } from 'zod';
import { OrderEventSchema } from '../shared/contract/events.ts';
import type { Role } from '../shared/roles.ts';
import {
  AlertDetailSchema,
  AlertListSchema,
  AlertPathSchema,
  AlertSchema,
  AuditListSchema,
  AuditQuerySchema,
  DisposeBodySchema,
  HealthSchema,
  ListAlertsQuerySchema,
  OpenApiSchema,
  RuleStatsQuerySchema,
  RuleStatsSchema,
  ScoreResponseSchema,
} from './schemas.ts';
import {
  ExportSchema,
  ObjectionBodySchema,
  ReceiptPathSchema,
  ReceiptSchema,
  SubjectPathSchema,
} from './rights-schemas.ts';
import {
  AddEntryBodySchema,
  EntryPathSchema,
  ListEntriesQuerySchema,
  ListEntriesSchema,
  ListEntrySchema,
} from './lists-schemas.ts';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** The API Gateway resource: `/v1/alerts/{id}`. */
  path: string;
  /** The Lambda entry: `functions/<function>.ts`. */
  function: string;
  summary: string;
  roles: readonly Role[];
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  /**
   * The body is an event of the contract, validated by the contract's own parser (field-named
   * contract errors, the clock's bound on `occurredAt`) rather than by the route's middleware;
   * `body` still documents it.
   */
  contractBody?: true;
  response: z.ZodType;
  /** Error statuses the route answers besides those of every route (`COMMON_ERRORS` in `openapi.ts`). */
  errors: readonly number[];
}

const ANY_ROLE: readonly Role[] = ['order-flow', 'analyst', 'privacy-service', 'admin'];

export const ROUTES = {
  scoreOrder: {
    method: 'POST',
    path: '/v1/score',
    function: 'score-order',
    summary:
      'Score an order event before checkout completes. Reads profiles, never writes them (the same event arrives later through the stream, with the same eventId). Answers within the time budget, degraded when the profile store is slow or down.',
    roles: ['order-flow'],
    body: OrderEventSchema,
    contractBody: true,
    response: ScoreResponseSchema,
    errors: [400],
  },
  listAlerts: {
    method: 'GET',
    path: '/v1/alerts',
    function: 'list-alerts',
    summary: 'Alerts, newest event first, filtered; a cursor for the next page. Audited.',
    roles: ['analyst'],
    query: ListAlertsQuerySchema,
    response: AlertListSchema,
    errors: [400],
  },
  getAlert: {
    method: 'GET',
    path: '/v1/alerts/{id}',
    function: 'get-alert',
    summary:
      "One alert: decision, reasons with evidence, ruleset version, disposition, and the subject's recent pseudonymous signal timeline with each observation's expiry. Audited.",
    roles: ['analyst'],
    params: AlertPathSchema,
    response: AlertDetailSchema,
    errors: [400, 404],
  },
  disposeAlert: {
    method: 'POST',
    path: '/v1/alerts/{id}/disposition',
    function: 'dispose-alert',
    summary: 'Close an open alert with a verdict and a note; who and when are kept. Audited.',
    roles: ['analyst'],
    params: AlertPathSchema,
    body: DisposeBodySchema,
    response: AlertSchema,
    errors: [400, 404, 409],
  },
  getRuleStats: {
    method: 'GET',
    path: '/v1/rules/stats',
    function: 'get-rule-stats',
    summary: 'Per reason code: alerts raised, dispositions by verdict, precision. Audited.',
    roles: ['analyst'],
    query: RuleStatsQuerySchema,
    response: RuleStatsSchema,
    errors: [400],
  },
  listAudit: {
    method: 'GET',
    path: '/v1/audit',
    function: 'list-audit',
    summary: "The audit trail of the analysts' reads and dispositions, newest first.",
    roles: ['admin'],
    query: AuditQuerySchema,
    response: AuditListSchema,
    errors: [400],
  },
  listEntries: {
    method: 'GET',
    path: '/v1/lists/entries',
    function: 'list-entries',
    summary:
      'The unexpired allow and deny entries, newest first, by list and entity kind; a cursor for the next page. Audited.',
    roles: ['analyst', 'admin'],
    query: ListEntriesQuerySchema,
    response: ListEntriesSchema,
    errors: [400],
  },
  addEntry: {
    method: 'POST',
    path: '/v1/lists/entries',
    function: 'add-entry',
    summary:
      'Puts an entity on the allow or deny list with a reason and an expiry (at most 365 days), by pseudonym or by raw value (pseudonymised at once, never stored or echoed); replaces the entry of the same list and entity. The detection honours it from the next event: deny denies (ENTITY_DENIED), allow keeps the event at allow (ENTITY_ALLOWED). Audited.',
    roles: ['analyst', 'admin'],
    body: AddEntryBodySchema,
    response: ListEntrySchema,
    errors: [400],
  },
  removeEntry: {
    method: 'DELETE',
    path: '/v1/lists/entries/{entryId}',
    function: 'remove-entry',
    summary: 'Removes an entry before its expiry; answers the removed entry. Audited.',
    roles: ['analyst', 'admin'],
    params: EntryPathSchema,
    response: ListEntrySchema,
    errors: [400, 404],
  },
  objectToProfiling: {
    method: 'POST',
    path: '/v1/subjects/objections',
    function: 'object-subject',
    summary:
      "A customer's objection: the marker (pseudonym and scope, no expiry), then the customer's signals of the scope deleted from every profile, the entities' too. Later events in scope are never stored, and are scored on the rules that need no profile (PROFILING_SUPPRESSED). Answers the receipt. Audited.",
    roles: ['privacy-service'],
    body: ObjectionBodySchema,
    response: ReceiptSchema,
    errors: [400],
  },
  getRightsRequest: {
    method: 'GET',
    path: '/v1/privacy/requests/{requestId}',
    function: 'get-rights-request',
    summary: 'The receipt of a rights request and its status. Audited.',
    roles: ['privacy-service'],
    params: ReceiptPathSchema,
    response: ReceiptSchema,
    errors: [400, 404],
  },
  exportSubject: {
    method: 'GET',
    path: '/v1/subjects/{customerId}/export',
    function: 'export-subject',
    summary:
      'Access and portability: everything stored about the customer, machine-readable and described in plain words (signals with kind, time and expiry, alerts, suppressions, restrictions). Audited.',
    roles: ['privacy-service'],
    params: SubjectPathSchema,
    response: ExportSchema,
    errors: [400],
  },
  restrictSubject: {
    method: 'POST',
    path: '/v1/subjects/{customerId}/restriction',
    function: 'restrict-subject',
    summary:
      "Restriction: the customer's data kept aside, out of every profile, unused by the rules until lifted; later events are not stored. Answers the receipt. Audited.",
    roles: ['privacy-service'],
    params: SubjectPathSchema,
    response: ReceiptSchema,
    errors: [400],
  },
  liftRestriction: {
    method: 'DELETE',
    path: '/v1/subjects/{customerId}/restriction',
    function: 'lift-restriction',
    summary:
      'Lifts a restriction: what was set aside and has not expired goes back to its profiles. Audited.',
    roles: ['privacy-service'],
    params: SubjectPathSchema,
    response: ReceiptSchema,
    errors: [400],
  },
  eraseSubject: {
    method: 'DELETE',
    path: '/v1/subjects/{customerId}',
    function: 'erase-subject',
    summary:
      "Erasure: every signal in every profile, whatever was set aside, and the customer's alerts. Kept: an objection marker (pseudonym and scope, needed to keep honouring it) and the receipt. Audited.",
    roles: ['privacy-service'],
    params: SubjectPathSchema,
    response: ReceiptSchema,
    errors: [400],
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    function: 'get-openapi',
    summary: 'This document.',
    roles: ANY_ROLE,
    response: OpenApiSchema,
    errors: [],
  },
  getHealth: {
    method: 'GET',
    path: '/v1/health',
    function: 'get-health',
    summary: 'Does nothing but answer: the overhead floor of the gateway and the middleware.',
    roles: ANY_ROLE,
    response: HealthSchema,
    errors: [],
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteId = keyof typeof ROUTES;
