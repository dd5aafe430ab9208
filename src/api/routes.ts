/**
 * Every route of the Vigil APIs in one table: method, path (API Gateway resource syntax), the
 * Lambda entry in `functions/`, the roles allowed, and the request and answer schemas. The
 * handlers, the local gateway and the OpenAPI document are all built from it.
 */
import type { z } from 'zod';
import { OrderEventSchema } from '../shared/contract/events.ts';
import type { Role } from './roles.ts';
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

export interface RouteSpec {
  method: 'GET' | 'POST';
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
  /** Error statuses the route answers besides 401 and 403. */
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
