import { createHash } from 'node:crypto';
import type { Decision } from '../shared/decision.ts';
import type { DetectionConfig } from '../rules/config.ts';
import type { KnownClients } from '../rules/known-clients.ts';
import { type ParseResult, parseEventLine } from '../shared/contract/events.ts';
import { Detector } from './detector.ts';
import { toFacts } from './enrich.ts';
import type { EventFacts } from '../shared/facts.ts';
import type { ProfileKey } from '../shared/profile.ts';
import { profileKeysOf } from './observe.ts';
import type { ProfileStore } from '../shared/ports/profiles.ts';
import type { SubjectDataStore } from '../shared/ports/subject-data.ts';
import type { DecisionLog } from '../shared/ports/decisions.ts';
import { forgetControlled } from '../rights/subject-rights.ts';
import type { Pseudonymiser, SubjectPseudonym } from '../shared/pseudonymise.ts';
import { BatchingProfileStore } from './batching-store.ts';
import { PrefetchedLists, listedEntitiesOf } from './lists.ts';
import type { EntityListReader, EntityRef } from '../shared/ports/entity-lists.ts';
import {
  DEAD_LETTER_EXCERPT_BYTES,
  type DeadLetter,
  type DeadLetterWriter,
} from '../shared/ports/dead-letters.ts';
import type { RecordSealer } from '../shared/sealed-records.ts';
import type { Alert, AlertWriter } from '../shared/ports/alerts.ts';

/** One stream record, as much of it as the consumer needs (no AWS types). */
export interface StreamRecord {
  /** The shard the record was read from (`shardId-000000000006`). */
  shard: string;
  sequenceNumber: string;
  partitionKey: string;
  /** The record's bytes, or its base64 text as Lambda delivers it (decoded strictly here). */
  data: Buffer | string;
  /** When the record reached the stream, epoch ms. */
  arrivedAt: number;
}

/**
 * The shard of a Lambda Kinesis record, from its `eventID` (`shardId-000000000006:<sequence number>`):
 * the event source puts no shard field of its own on the record.
 */
export function shardOfEventId(eventID: string): string {
  const colon = eventID.indexOf(':');
  if (colon <= 0) throw new Error('eventID: expected <shard id>:<sequence number>');
  return eventID.slice(0, colon);
}

/** What a retryable failure is logged with: never the record, only where it was. */
export interface ConsumeLog {
  error(message: string, fields: Record<string, unknown>): void;
}

export interface ConsumeDeps {
  /** The real profile store (DynamoDB); the batch runs on a {@link BatchingProfileStore} over it. */
  store: ProfileStore;
  /** The real decision log (DynamoDB), read and written through the same batch. */
  decisions: DecisionLog;
  pseudonymiser: Pseudonymiser;
  config: DetectionConfig;
  alerts: AlertWriter;
  deadLetters: DeadLetterWriter;
  /**
   * The subjects' privacy controls, checked after each batch's writes (consistently): what an
   * objection or restriction made while the batch ran covers is deleted again. Without it (tests
   * that exercise only the detection) there is no check.
   */
  subjects?: Pick<SubjectDataStore, 'controls' | 'retract'>;
  /** The analysts' allow and deny entries, read once per batch ({@link PrefetchedLists}). Default: none. */
  lists?: EntityListReader;
  /**
   * Seals the raw bytes of an invalid record (and an excerpt of them) into its dead letter, for a
   * redrive after a fix. Without it a dead letter keeps only the record's hash.
   */
  sealer?: RecordSealer;
  /** The processing clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  log?: ConsumeLog;
}

export interface ConsumeResult {
  /** Empty, or the one record Lambda must restart the shard from. */
  batchItemFailures: { itemIdentifier: string }[];
  /** Every record decided in this invocation, in order. */
  decisions: { decision: Decision; duplicate: boolean }[];
  /** The records acknowledged as invalid (written to the dead letters). */
  invalid: DeadLetter[];
  /** The alerts written (review and deny decisions). */
  alerts: Alert[];
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * Consumes one Kinesis batch: one invocation is one shard, so the records come in shard
 * order, and a subject's events (one partition key) in the order they were written.
 *
 * - The profiles and decisions of the whole batch are read up front (one BatchGetItem for the
 *   profiles), the events decided one by one IN ORDER on that cache, and the writes sent
 *   together at the end (see {@link BatchingProfileStore}).
 * - A thrown error (store, network) is retryable: processing STOPS at that record and only its
 *   sequence number is reported. Lambda restarts the shard from the lowest reported sequence
 *   number (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html);
 *   processing the later records anyway, or reporting them too, would decide a subject's later
 *   events before its earlier one, and reporting them too only runs them again. Everything
 *   before it is flushed.
 *   Powertools' BatchProcessor is not used: it runs records in parallel by default and does not
 *   stop at the first failure; the loop this needs is shorter than configuring it to.
 * - An invalid record (bad base64, UTF-8, JSON or contract) is acknowledged, never reported as
 *   a failure (it would fail again forever and block its shard), and written to the dead
 *   letters with its field-named reason, sequence number, arrival time, the SHA-256 of the raw
 *   record, the pseudonym of its customer id when it has one (for erasure) and, with a
 *   `sealer`, the record encrypted (never in clear: it is personal data), so that
 *   `vigil dead-letters redrive` can send it again after a fix. The dead-letter writer keeps the
 *   table item bounded (the full sealed record goes to a record store), so that however large
 *   an invalid record is, its dead letter fits and its neighbours are decided.
 * - Writes are idempotent, so a retried batch leaves the same state: alerts and dead letters
 *   are keyed by eventId and record hash, observations by eventId, and the decisions go last
 *   as the events' completion markers (a redelivered decided event is a duplicate).
 *   If the final writes fail, the first record is reported: the whole batch runs again.
 */
export async function consumeBatch(
  records: readonly StreamRecord[],
  deps: ConsumeDeps,
): Promise<ConsumeResult> {
  const now = deps.now ?? Date.now;
  const result: ConsumeResult = { batchItemFailures: [], decisions: [], invalid: [], alerts: [] };
  if (records.length === 0) return result;

  const decoded = records.map((record) => decode(record, now()));
  const store = new BatchingProfileStore(deps.store, deps.decisions, now);
  const lists = deps.lists && new PrefetchedLists(deps.lists);
  await prefetch({ store, lists, now: now() }, decoded, deps.pseudonymiser, deps.config.clients);
  const detector = new Detector({
    store,
    decisions: store,
    ...(lists ? { lists } : {}),
    pseudonymiser: deps.pseudonymiser,
    config: deps.config,
    now,
    onDecided: (facts, decision) => {
      if (decision.decision !== 'allow') result.alerts.push(toAlert(facts, decision));
    },
  });

  for (const [i, { record, parsed }] of decoded.entries()) {
    if (!parsed.ok) {
      result.invalid.push(deadLetter(decoded[i]!, parsed, deps));
      continue;
    }
    try {
      store.readFrom({ shard: record.shard, sequence: record.sequenceNumber });
      const verdict = await detector.process(parsed.event);
      if (verdict.kind === 'decision') {
        result.decisions.push({ decision: verdict.decision, duplicate: verdict.duplicate });
      } else {
        // Unreachable: the event was parsed already. Handled as invalid all the same.
        result.invalid.push(deadLetter(decoded[i]!, { ok: false, ...verdict }, deps));
      }
    } catch (error) {
      deps.log?.error('record failed; the shard restarts from it', {
        sequenceNumber: record.sequenceNumber,
        index: i,
        error: describe(error),
      });
      result.batchItemFailures.push({ itemIdentifier: record.sequenceNumber });
      break;
    }
  }

  try {
    await Promise.all([deps.alerts.write(result.alerts), deps.deadLetters.write(result.invalid)]);
    // Write, then check the markers, then mark the events decided: see forgetControlled for why no
    // signal can stay behind, and flush for why the decisions come after the check.
    const subjects = deps.subjects;
    await store.flush(subjects && ((written) => forgetControlled(subjects, written)));
  } catch (error) {
    deps.log?.error('writing the batch failed; the whole batch is retried', { error: describe(error) });
    result.batchItemFailures = [{ itemIdentifier: records[0]!.sequenceNumber }];
  }
  return result;
}

interface Decoded {
  record: StreamRecord;
  /** The record's bytes (its text when that was not base64). */
  bytes: Buffer | string;
  /** The contract's verdict on the record's data, or why its bytes are not even text. */
  parsed: ParseResult;
}

function decode(record: StreamRecord, nowMs: number): Decoded {
  let bytes: Buffer;
  if (typeof record.data === 'string') {
    if (!STRICT_BASE64.test(record.data)) {
      return {
        record,
        bytes: record.data,
        parsed: { ok: false, field: '(base64)', error: '(base64): record data is not base64' },
      };
    }
    bytes = Buffer.from(record.data, 'base64');
  } else {
    bytes = record.data;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const parsed = { ok: false, field: '(utf8)', error: '(utf8): record data is not UTF-8 text' } as const;
    return { record, bytes, parsed };
  }
  return { record, bytes, parsed: parseEventLine(text, nowMs) };
}

/**
 * Reads every profile, decision and list entry the batch's valid records need, the profiles as of
 * its earliest event, the entries as of `now`. Best effort: what it cannot read, each event reads
 * itself (and fails at its own record).
 */
async function prefetch(
  batch: { store: BatchingProfileStore; lists: PrefetchedLists | undefined; now: number },
  decoded: Decoded[],
  pseudonymiser: Pseudonymiser,
  clients: KnownClients,
) {
  const keys: ProfileKey[] = [];
  const entities: EntityRef[] = [];
  const eventIds: string[] = [];
  let earliest = Infinity;
  try {
    for (const { parsed } of decoded) {
      if (!parsed.ok) continue;
      const facts = toFacts(parsed.event, parsed.occurredAtMs, pseudonymiser, clients);
      keys.push(...profileKeysOf(facts));
      entities.push(...listedEntitiesOf(facts));
      eventIds.push(facts.eventId);
      earliest = Math.min(earliest, facts.at);
    }
  } catch {
    return;
  }
  if (eventIds.length === 0) return;
  await Promise.all([
    batch.store.prefetch(keys, earliest, eventIds),
    batch.lists?.prefetch(entities, batch.now),
  ]);
}

function deadLetter(
  { record, bytes }: Decoded,
  parsed: Extract<ParseResult, { ok: false }>,
  { sealer, pseudonymiser }: Pick<ConsumeDeps, 'sealer' | 'pseudonymiser'>,
): DeadLetter {
  const raw = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const letter: DeadLetter = {
    sha256: sha256(bytes),
    reason: parsed.error,
    field: parsed.field,
    sequenceNumber: record.sequenceNumber,
    arrivedAt: record.arrivedAt,
    size: raw.length,
  };
  if (parsed.eventId !== undefined) letter.eventId = parsed.eventId;
  const customerId = customerIdOf(raw);
  if (customerId !== undefined) letter.subject = pseudonymiser.of('subject', customerId) as SubjectPseudonym;
  if (sealer) {
    letter.sealed = sealer.seal(raw);
    letter.excerpt = sealer.seal(raw.subarray(0, DEAD_LETTER_EXCERPT_BYTES));
  }
  return letter;
}

/** `"customerId": "<JSON string>"` anywhere in a text, for records that are not valid JSON. */
const CUSTOMER_ID_MEMBER = /"customerId"\s*:\s*("(?:[^"\\\n]|\\.){1,1024}")/;

/**
 * The customer id of an invalid record, best effort: a JSON object's string `customerId` (whatever
 * else is wrong with it), else the first `"customerId": "…"` member in text that is not JSON (cut
 * or garbled). Only ids the contract could hold (1–128 characters) count: nothing else can be
 * the customer id an erasure request names.
 */
function customerIdOf(raw: Buffer): string | undefined {
  const text = raw.toString('utf8');
  let id: unknown;
  try {
    const value: unknown = JSON.parse(text);
    id =
      typeof value === 'object' && value !== null
        ? (value as { customerId?: unknown }).customerId
        : undefined;
  } catch {
    const literal = CUSTOMER_ID_MEMBER.exec(text)?.[1];
    try {
      id = literal === undefined ? undefined : JSON.parse(literal);
    } catch {
      id = undefined;
    }
  }
  return typeof id === 'string' && id.length >= 1 && id.length <= 128 ? id : undefined;
}

/** The alert of a review/deny decision: only pseudonyms of the facts, never raw identifiers. */
export function toAlert(facts: EventFacts, decision: Decision): Alert {
  const entities: Alert['entities'] = { ip: facts.ip.id, network: facts.ip.network, client: facts.client };
  if (facts.device) entities.device = facts.device;
  if (facts.userAgent) entities.userAgent = facts.userAgent.id;
  if (facts.username) entities.username = facts.username;
  if (facts.order?.payment) entities.payment = facts.order.payment;
  if (facts.order?.address) entities.address = facts.order.address;
  const alert: Alert = {
    alertId: decision.eventId,
    decision: decision.decision === 'deny' ? 'deny' : 'review',
    score: decision.score,
    reasons: decision.reasons,
    rulesetVersion: decision.rulesetVersion,
    eventType: decision.eventType,
    occurredAt: new Date(facts.at).toISOString(),
    entities,
    status: 'open',
  };
  if (facts.subject) alert.subject = facts.subject;
  return alert;
}

/** An error's name and message (SDK and store errors carry no record data). */
const describe = (error: unknown): { name: string; message: string } =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
