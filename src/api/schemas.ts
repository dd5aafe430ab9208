/**
 * The zod schemas of every route's request parameters, body and answer. The handlers parse
 * with them (Powertools Parser), the tests check answers against them, and the OpenAPI
 * document (`openapi.ts`) is generated from them: one definition, no drift.
 *
 * Request schemas work on what API Gateway hands over (query and path parameters are text);
 * messages name the problem without quoting the value.
 */
import * as z from 'zod';
import { EventType, rfc3339ToMs } from '../shared/contract/events.ts';
import { ALERT_STATUSES, VERDICTS } from '../shared/ports/alerts.ts';
import { ERROR_CODES } from './errors.ts';
import { AUDIT_ACTIONS } from '../shared/ports/audit.ts';
import { ROLES } from '../shared/roles.ts';

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

export const timestamp = z
  .string({ error: 'expected RFC 3339 timestamp, e.g. 2026-11-24T09:15:02Z' })
  .refine((s) => !Number.isNaN(rfc3339ToMs(s)), {
    error: 'expected RFC 3339 timestamp, e.g. 2026-11-24T09:15:02Z',
  });

export const wholeNumber = (min: number, max: number) => {
  const error = `expected a whole number ${min}–${max}`;
  return z
    .string({ error })
    .refine((s) => /^\d{1,6}$/.test(s) && Number(s) >= min && Number(s) <= max, { error })
    .meta({ pattern: '^\\d+$', description: `${min}–${max}` });
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` });

export const cursor = z
  .string({ error: 'expected the cursor of the previous page' })
  .regex(/^[A-Za-z0-9_-]{1,2048}$/, { error: 'expected the cursor of the previous page' });

/** An alert id is the eventId of the event that raised it. */
const alertId = z
  .string({ error: 'expected an alert id (1–128 chars of [A-Za-z0-9._:-])' })
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'expected an alert id (1–128 chars of [A-Za-z0-9._:-])' });

const Evidence = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ReasonSchema = z
  .object({
    code: z.string().describe('Stable upper-case reason code, e.g. COUNTRY_MISMATCH'),
    points: z.number(),
    message: z.string(),
    evidence: Evidence,
    shadow: z.literal(true).optional().describe('Evaluated in shadow mode: reported, added nothing'),
    within: z
      .string()
      .optional()
      .describe('Reads the same evidence as this stronger reason of its group: reported, added nothing'),
  })
  .strict();

export const ErrorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(ERROR_CODES),
        message: z
          .string()
          .describe('Names the field and the problem: `minScore: expected a whole number 0–100`'),
        field: z.string().optional(),
      })
      .strict(),
  })
  .strict();

// ---------------------------------------------------------------------------
// POST /v1/score
// ---------------------------------------------------------------------------

export const ScoreResponseSchema = z
  .object({
    eventId: z.string(),
    score: z.number().int().min(0).max(100),
    decision: z.enum(['allow', 'review', 'deny']),
    reasons: z.array(ReasonSchema),
    rulesetVersion: z.string(),
    degraded: z
      .literal(true)
      .optional()
      .describe(
        'The profile store did not answer within the time budget: only the rules that need no profile ran',
      ),
    failPolicy: z
      .enum(['open', 'closed'])
      .optional()
      .describe('With degraded: open = the decision of those rules; closed = deny'),
  })
  .strict();
export type ScoreResponse = z.infer<typeof ScoreResponseSchema>;

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

export const ListAlertsQuerySchema = z
  .object({
    status: oneOf(ALERT_STATUSES).optional(),
    decision: oneOf(['review', 'deny']).optional(),
    eventType: oneOf(EventType).optional(),
    reason: z
      .string({ error: 'expected a reason code such as BRUTE_FORCE' })
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: 'expected a reason code such as BRUTE_FORCE' })
      .optional(),
    minScore: wholeNumber(0, 100).optional(),
    entity: z
      .string({ error: 'expected a pseudonym such as v1:AbCdEfGhIjKlMnOpQrStUv' })
      .regex(/^v\d+:[A-Za-z0-9_-]{22}$/, { error: 'expected a pseudonym such as v1:AbCdEfGhIjKlMnOpQrStUv' })
      .optional()
      .describe(
        'Alerts whose subject or one of whose entities is this pseudonym: the alerts a device, address or payment links',
      ),
    from: timestamp.optional().describe('Event time from (inclusive)'),
    to: timestamp.optional().describe('Event time to (inclusive)'),
    limit: wholeNumber(1, 100).optional().describe('Alerts per page, default 25'),
    cursor: cursor.optional().describe('The `cursor` of the previous page'),
  })
  .strict();

const DispositionSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    note: z.string(),
    by: z.string().describe('The principal of the analyst who decided'),
    at: z.string().describe('When, ISO 8601 UTC'),
  })
  .strict();

const Pseudonym = z.string().describe('Keyed pseudonym (HMAC), never a raw identifier');

export const AlertSchema = z
  .object({
    alertId: z.string().describe('The eventId of the event that raised it'),
    eventType: z.enum(EventType),
    occurredAt: z.string().describe('Event time, ISO 8601 UTC'),
    decision: z.enum(['review', 'deny']),
    score: z.number().int().min(0).max(100),
    reasons: z.array(ReasonSchema),
    rulesetVersion: z.string(),
    status: z.enum(ALERT_STATUSES),
    subject: Pseudonym.optional(),
    entities: z.record(z.string(), Pseudonym),
    disposition: DispositionSchema.optional(),
    expiresAt: z.string().describe('When the alert is deleted, ISO 8601 UTC'),
  })
  .strict();

export const AlertListSchema = z
  .object({
    alerts: z.array(AlertSchema),
    cursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page'),
  })
  .strict();

export const AlertPathSchema = z.object({ id: alertId }).strict();

export const ObservationSchema = z
  .object({
    eventId: z.string(),
    kind: z.enum(['login', 'browse', 'search', 'order']),
    at: z.string().describe('Event time, ISO 8601 UTC'),
    expiresAt: z.string().describe('When this observation is forgotten, ISO 8601 UTC'),
    facts: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe('What the rules saw: pseudonyms, coarse location, outcome, amounts'),
  })
  .strict();

export const AlertDetailSchema = z
  .object({
    alert: AlertSchema,
    timeline: z
      .object({
        profile: z
          .string()
          .describe('Whose timeline: `subject#<pseudonym>` (or the account or address without one)'),
        observations: z.array(ObservationSchema).describe('Newest first, unexpired only, at most 50'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const DisposeBodySchema = z
  .object({
    verdict: oneOf(VERDICTS),
    note: z
      .string({ error: 'expected text of at most 2000 chars' })
      .max(2000, { error: 'expected text of at most 2000 chars' })
      .default(''),
  })
  .strict();

// ---------------------------------------------------------------------------
// Rule statistics
// ---------------------------------------------------------------------------

export const RuleStatsQuerySchema = z
  .object({
    from: timestamp.optional().describe('Event time from (inclusive)'),
    to: timestamp.optional().describe('Event time to (inclusive)'),
  })
  .strict();

export const RuleStatsSchema = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    alerts: z.number().int().describe('Alerts read'),
    rules: z.array(
      z
        .object({
          code: z.string(),
          alerts: z.number().int().describe('Alerts this rule contributed points to'),
          open: z.number().int(),
          dispositions: z
            .object({ fraud: z.number().int(), legitimate: z.number().int(), unsure: z.number().int() })
            .strict(),
          precision: z
            .number()
            .nullable()
            .describe('fraud / (fraud + legitimate) of its disposed alerts; null before any such verdict'),
          days: z
            .array(
              z
                .object({
                  day: z.string().describe('UTC day of the event time, YYYY-MM-DD'),
                  alerts: z.number().int(),
                  fraud: z.number().int(),
                  legitimate: z.number().int(),
                })
                .strict(),
            )
            .describe('The same counts per day of event time, oldest first: how the rule fares over time'),
        })
        .strict(),
    ),
  })
  .strict();
export type RuleStats = z.infer<typeof RuleStatsSchema>;

// ---------------------------------------------------------------------------
// Audit, health
// ---------------------------------------------------------------------------

export const AuditQuerySchema = z
  .object({
    from: timestamp.optional().describe('From (inclusive), default 7 days before `to`'),
    to: timestamp.optional().describe('To (inclusive), default now'),
    principal: z
      .string()
      .min(1, { error: 'expected 1–128 characters' })
      .max(128, { error: 'expected 1–128 characters' })
      .optional()
      .describe(
        "Only the entries whose principal contains this text, e.g. an analyst's user name; a selective filter can answer a short page with a cursor",
      ),
    limit: wholeNumber(1, 500).optional().describe('Entries per page, default 100'),
    cursor: cursor.optional(),
  })
  .strict();

export const AuditListSchema = z
  .object({
    entries: z.array(
      z
        .object({
          entryId: z.string(),
          at: z.string(),
          principalId: z.string(),
          role: z.enum(ROLES),
          action: z.enum(AUDIT_ACTIONS),
          target: z.string().optional(),
          details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        })
        .strict(),
    ),
    cursor: z.string().optional(),
  })
  .strict();

export const HealthSchema = z.object({ ok: z.literal(true) }).strict();

/** The OpenAPI document is itself JSON; its schema is not spelled out here. */
export const OpenApiSchema = z.record(z.string(), z.unknown());
