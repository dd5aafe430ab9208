/**
 * Event contract v1 (docs/contract/events.md): zod schemas, types and the
 * validating parser that every entry point (stream consumer, score endpoint,
 * `replay`) runs on each incoming event.
 *
 * Design notes
 * - Schemas (schemas.ts, fields.ts) are built once at module load; `parseEvent`
 *   allocates nothing on the success path beyond what zod's parse itself needs.
 * - Unknown fields are stripped (schemas.ts): they can never reach storage.
 * - Every rejection is one line `<field path>: <problem>`. Messages name the
 *   field and what was expected, and never echo any part of a value (usernames,
 *   IPs, ids must not leak into dead letters or logs): not even `schemaVersion`,
 *   whose field may hold anything a producer put there.
 * - No normalisation happens here (IP canonicalisation, lower-casing, …);
 *   values are validated and passed through unchanged.
 */
import { kindOf, schemaVersionProblem } from './fields.ts';
import { rfc3339ToMs } from './rfc3339.ts';
import { VigilEventSchema, type VigilEvent } from './schemas.ts';
import { EVENT_ID_PATTERN, MAX_FUTURE_MS, SCHEMA_VERSION } from './values.ts';

export {
  BrowseKind,
  EVENT_ID_PATTERN,
  EventType,
  FailureReason,
  LoginMethod,
  LoginOutcome,
  MAX_FUTURE_MS,
  PaymentMethod,
  SCHEMA_VERSION,
  isCurrencyCode,
  isIpText,
} from './values.ts';
export { rfc3339ToMs } from './rfc3339.ts';
export {
  BrowseEventSchema,
  LoginEventSchema,
  OrderEventSchema,
  VigilEventSchema,
  type BrowseEvent,
  type LoginEvent,
  type OrderEvent,
  type VigilEvent,
} from './schemas.ts';

export type ParseResult =
  | { ok: true; event: VigilEvent; occurredAtMs: number }
  | { ok: false; eventId?: string; field: string; error: string };
function failure(input: Record<string, unknown> | undefined, field: string, problem: string): ParseResult {
  const id = input?.['eventId'];
  const error = `${field}: ${problem}`;
  return typeof id === 'string' && EVENT_ID_PATTERN.test(id)
    ? { ok: false, eventId: id, field, error }
    : { ok: false, field, error };
}

/**
 * Validates one decoded event against contract v1.
 *
 * Checks, in this order: the input is an object; `schemaVersion` is 1 (a
 * different version makes every other complaint moot); all field rules
 * (reported in contract order: envelope, then the type's own object, then
 * cross-field rules); finally `occurredAt` at most {@link MAX_FUTURE_MS}
 * after `nowMs`. Unknown fields are dropped from `event`. On failure `error`
 * is one line `<field path>: <problem>` for the first problem found, with
 * ` (+N more)` when there were others; `eventId` is echoed when the input's
 * own `eventId` is valid.
 *
 * @param input  the value from `JSON.parse` (or an already-decoded record)
 * @param nowMs  the processing clock, epoch ms (not event time)
 * @returns the stripped event and its `occurredAt` as epoch ms, or the reason
 *
 * @example
 * ```ts
 * const r = parseEvent(JSON.parse(line), Date.now());
 * if (r.ok) score(r.event, r.occurredAtMs);
 * else deadLetter({ eventId: r.eventId, error: r.error });
 * // e.g. r.error === 'order.amountMinor: expected integer ≥ 0'
 * ```
 */
export function parseEvent(input: unknown, nowMs: number): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return failure(undefined, '(root)', `expected a JSON object, got ${kindOf(input)}`);
  }
  const record = input as Record<string, unknown>;
  const version = record['schemaVersion'];
  if (version !== SCHEMA_VERSION) return failure(record, 'schemaVersion', schemaVersionProblem(version));

  const result = VigilEventSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues;
    const first = issues[0];
    if (first === undefined) return failure(record, '(root)', 'invalid event');
    const field = first.path.length === 0 ? '(root)' : first.path.join('.');
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    return failure(record, field, `${first.message}${more}`);
  }
  const event = result.data;
  const occurredAtMs = rfc3339ToMs(event.occurredAt);
  if (occurredAtMs - nowMs > MAX_FUTURE_MS) {
    return failure(record, 'occurredAt', 'more than 24 h in the future');
  }
  return { ok: true, event, occurredAtMs };
}

/**
 * `JSON.parse` + {@link parseEvent} for one NDJSON line or stream record.
 * Invalid JSON gives `field: '(json)'` and a fixed message: the engine's own
 * quotes the input (`Unexpected token 'a', "abc" is not valid JSON`, and an
 * excerpt around the error for longer text), and no message may carry raw
 * personal data. A leading UTF-8 byte-order mark is ignored.
 */
export function parseEventLine(line: string, nowMs: number): ParseResult {
  let input: unknown;
  try {
    input = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    return { ok: false, field: '(json)', error: '(json): invalid JSON; expected one JSON object per record' };
  }
  return parseEvent(input, nowMs);
}
