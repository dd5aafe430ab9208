/**
 * The stream consumer under DynamoDB faults that dynalite cannot produce (throttling, batch
 * requests answered in part), injected into a real client talking to dynalite
 * (test/support/faults.ts). A batch is delivered as Lambda delivers it with ReportBatchItemFailures:
 * again from the reported record until none is reported. Whatever the faults, the end state must be
 * that of a run without them; while they last, nothing may be acknowledged that is not written.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoClient } from '../../src/shared/aws.ts';
import { SHOP_WIDE_RULES } from '../../src/rules/shop-wide.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { type ConsumeDeps, type StreamRecord, consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetters, DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { DynamoAlertWriter, DynamoSubjectAlerts } from '../../src/shared/dynamo/alerts.ts';
import { DynamoReceiptStore } from '../../src/shared/dynamo/receipts.ts';
import { decodeObservation } from '../../src/shared/dynamo/profile-items.ts';
import { SubjectRights } from '../../src/rights/subject-rights.ts';
import { TABLE_ROLES, type TableRole } from '../../src/shared/tables.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder, FIXTURE_NOW_MS, withField } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { type FaultPlan, NO_PAUSE, SDK_ATTEMPTS, faultyClient } from '../support/faults.ts';
import { useDynalite } from '../support/local-dynamo.ts';
import { dynamoStores } from '../factories/stores.ts';

type Item = Record<string, unknown>;
type State = Record<TableRole, Item[]>;

/**
 * The rules without those that read the shop-wide login counters (SHOP_WIDE_RULES): the counters
 * are not read as of the event, so a batch redelivered after its counters were written sees its own
 * logins in them, and LOGIN_RISK may give a point or two more or less the second time. The counters
 * themselves are compared all the same.
 */
const CONFIG = resolveConfig({
  rules: Object.fromEntries([...SHOP_WIDE_RULES].map((code) => [code, { enabled: false }])),
});

const dynalite = useDynalite('f');

/** A morning of five customers (logins, page views, orders), a credential-stuffing burst and bad records. */
function traffic(): unknown[] {
  const at = (minute: number) => new Date(Date.parse('2026-11-24T07:00:00Z') + minute * 60_000).toISOString();
  const events: unknown[] = [];
  for (let minute = 0; minute < 20; minute++) {
    for (let c = 0; c < 5; c++) {
      const customerId = `C30000${c}`;
      const deviceId = `d-${c}`;
      const occurredAt = at(minute + c / 10);
      if (minute % 5 === 0) events.push(aLogin({ customerId, deviceId, occurredAt }));
      else if (minute % 7 === 3) {
        events.push(anOrder({ customerId, deviceId, occurredAt, order: { orderId: `O-${c}-${minute}` } }));
      } else events.push(aBrowse({ customerId, deviceId, occurredAt, sessionId: `s-${c}` }));
    }
    // A scripted attack from one address: alerts.
    events.push(
      aFailedLogin('bad_password', {
        customerId: `C31000${minute % 3}`,
        ip: '185.220.101.4',
        userAgent: 'python-requests/2.31.0',
        deviceId: undefined,
        occurredAt: at(minute + 0.5),
      }),
    );
    // A producer's bad record now and then: dead letters.
    if (minute % 4 === 1)
      events.push(withField(anOrder({ occurredAt: at(minute) }), 'order.amountMinor', -1));
  }
  return events;
}

/** The traffic's records, in batches of 10 (the same records, sequence numbers included, for every run). */
const BATCHES: StreamRecord[][] = (() => {
  const records = toStreamRecords(aKinesisEvent(traffic()));
  const size = 10;
  return Array.from({ length: Math.ceil(records.length / size) }, (_, i) =>
    records.slice(i * size, (i + 1) * size),
  );
})();

interface Pipeline {
  deps: ConsumeDeps;
  stores: ReturnType<typeof dynamoStores>;
  tables: Record<TableRole, string>;
  /** What the consumer logged as failed (error messages). */
  errors: string[];
  /** Every table's items, sorted by pk (read with a client of its own, without faults). */
  state(): Promise<State>;
}

/** The consumer's DynamoDB adapters, on a fresh stage, over `client`. */
async function aPipeline(client: DynamoClient): Promise<Pipeline> {
  const tables = await dynalite.newTables();
  const now = () => FIXTURE_NOW_MS;
  const stores = dynamoStores(client, tables, { now, unprocessedRetry: NO_PAUSE });
  const errors: string[] = [];
  const deps: ConsumeDeps = {
    store: stores.profiles,
    decisions: stores.decisions,
    subjects: stores.subjects,
    pseudonymiser: testPseudonymiser(),
    config: CONFIG,
    alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
    deadLetters: new DynamoDeadLetterWriter({
      client,
      table: tables.deadLetters,
      now,
      unprocessedRetry: NO_PAUSE,
    }),
    now,
    log: { error: (_, fields) => void errors.push((fields.error as { message: string }).message) },
  };
  const reader = dynalite.local.client();
  const scan = async (role: TableRole) => {
    const { Items = [] } = await reader.send(new ScanCommand({ TableName: tables[role] }));
    // The counters' version counts the conditional writes, which a redelivery may split in two.
    return Items.map(({ v: _v, ...item }) => item).sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
  };
  const state = async () =>
    Object.fromEntries(await Promise.all(TABLE_ROLES.map(async (r) => [r, await scan(r)] as const))) as State;
  return { deps, stores, tables, errors, state };
}

/**
 * Delivers a batch as Lambda does with ReportBatchItemFailures: again from the reported record,
 * until none is reported, at most `max` times.
 *
 * @returns the deliveries it took
 */
async function deliver(records: readonly StreamRecord[], deps: ConsumeDeps, max = 20): Promise<number> {
  let from = 0;
  for (let delivery = 1; delivery <= max; delivery++) {
    const { batchItemFailures } = await consumeBatch(records.slice(from), deps);
    const failed = batchItemFailures[0]?.itemIdentifier;
    if (failed === undefined) return delivery;
    from = records.findIndex((r) => r.sequenceNumber === failed);
  }
  throw new Error(`a batch still failed after ${max} deliveries`);
}

/** The end state of the batches consumed without faults. */
async function cleanRun(batches: readonly StreamRecord[][]): Promise<State> {
  const pipeline = await aPipeline(dynalite.local.client());
  for (const batch of batches) expect(await deliver(batch, pipeline.deps, 1)).toBe(1);
  return pipeline.state();
}

/** Each eventId the profiles hold, with the profiles holding it. */
function observations(state: State): Map<string, Set<string>> {
  const held = new Map<string, Set<string>>();
  for (const item of state.profiles) {
    for (const id of Object.keys((item.obs ?? {}) as object)) {
      held.set(id, (held.get(id) ?? new Set()).add(item.pk as string));
    }
  }
  return held;
}

let clean: State;
let cleanFirst: State;

beforeAll(async () => {
  clean = await cleanRun(BATCHES);
  cleanFirst = await cleanRun(BATCHES.slice(0, 1));
}, 120_000);

describe('consumeBatch under throttling and partial batch results', () => {
  it('decides every event once and applies every write, the retries bounded', async () => {
    // Prepare: a third of the attempts throttled (about one command in 70 past the SDK's retries:
    // its batch is delivered again), half of the batch requests answered in part
    const faults = faultyClient(dynalite.local.endpoint, { throttle: 0.35, partial: 0.5 });
    const pipeline = await aPipeline(faults.client);

    // Act
    const deliveries: number[] = [];
    for (const batch of BATCHES) deliveries.push(await deliver(batch, pipeline.deps));

    // Assess: the faults happened, the SDK and the stores retried them, and the end state is the clean run's
    const { throttled, partial, maxAttempts } = faults.counts;
    expect(Object.keys(throttled)).toEqual(
      expect.arrayContaining(['BatchGetItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand']),
    );
    expect(Object.keys(partial).sort()).toEqual(['BatchGetItemCommand', 'BatchWriteItemCommand']);
    expect(maxAttempts).toBeLessThanOrEqual(SDK_ATTEMPTS);
    const state = await pipeline.state();
    expect(state.decisions).toHaveLength(clean.decisions.length);
    expect(state.deadLetters.length).toBeGreaterThan(0);
    expect(state.alerts.length).toBeGreaterThan(0);
    expect(state).toEqual(clean);
  }, 120_000);

  it.each<[string, FaultPlan, RegExp]>([
    [
      'profile writes throttled past the SDK retries',
      { throttle: 1, partial: 0, commands: ['UpdateItemCommand'] },
      /Rate exceeded \(injected\)/,
    ],
    [
      'batch writes answered one item at a time, past the unprocessed-items loop',
      { throttle: 0, partial: 1, keep: () => 1, commands: ['BatchWriteItemCommand'] },
      /BatchWriteItem on \S+: items: \d+ unprocessed after 8 requests/,
    ],
    [
      'batch reads answered one key at a time, past the unprocessed-keys loop',
      { throttle: 0, partial: 1, keep: () => 1, commands: ['BatchGetItemCommand'] },
      /BatchGetItem on \S+: keys: \d+ unprocessed after 8 requests/,
    ],
  ])(
    'reports the batch failed when %s, acknowledges nothing unwritten, and completes once the fault ends',
    async (_, plan, error) => {
      // Prepare
      const faults = faultyClient(dynalite.local.endpoint, plan);
      const pipeline = await aPipeline(faults.client);
      const [batch] = BATCHES;

      // Act
      const during = await consumeBatch(batch!, pipeline.deps);
      const stateDuring = await pipeline.state();
      faults.plan({ throttle: 0, partial: 0 });
      const deliveries = await deliver(batch!, pipeline.deps);

      // Assess: given up within the bounds, reported, and nothing acknowledged that was not written
      expect(pipeline.errors.some((message) => error.test(message))).toBe(true);
      expect(faults.counts.maxAttempts).toBeLessThanOrEqual(SDK_ATTEMPTS);
      if (plan.throttle === 1) expect(faults.counts.maxAttempts).toBe(SDK_ATTEMPTS);
      expect(during.batchItemFailures).toHaveLength(1);
      const reported = batch!.findIndex(
        (r) => r.sequenceNumber === during.batchItemFailures[0]!.itemIdentifier,
      );
      const acknowledged = new Set(batch!.slice(0, reported).map((r) => r.sequenceNumber));
      const decided = new Set(stateDuring.decisions.map((d) => d.pk));
      const lettered = new Set(stateDuring.deadLetters.map((d) => d.sequenceNumber));
      for (const { eventId } of during.decisions.map((d) => d.decision)) {
        const index = batch!.findIndex((r) =>
          Buffer.from(r.data as string, 'base64').includes(`"${eventId}"`),
        );
        if (acknowledged.has(batch![index]!.sequenceNumber)) expect(decided).toContain(eventId);
      }
      for (const letter of during.invalid) {
        if (acknowledged.has(letter.sequenceNumber)) expect(lettered).toContain(letter.sequenceNumber);
      }
      // A stored decision marks its event complete: its observations are all written.
      const held = observations(stateDuring);
      for (const [id, profiles] of observations(cleanFirst)) {
        if (decided.has(id)) expect(held.get(id)).toEqual(profiles);
      }
      expect(deliveries).toBe(1);
      expect(await pipeline.state()).toEqual(cleanFirst);
    },
    60_000,
  );
});

describe('erasure under throttling and partial batch results', () => {
  /** The observations of `subject` in any profile, and its alerts. */
  const traces = (state: State, subject: string) => ({
    observations: state.profiles.flatMap((item) =>
      Object.entries((item.obs ?? {}) as Record<string, string>)
        .map(([id, o]) => decodeObservation(o, id))
        .filter((o) => o.subject === subject),
    ),
    alerts: state.alerts.filter((a) => a.subject === subject),
  });

  it("leaves nothing of the customer's in the profiles or the alerts, the request repeated until it completes", async () => {
    // Prepare: the traffic consumed without faults, then a third of the attempts throttled, half the batches partial
    const faults = faultyClient(dynalite.local.endpoint, { throttle: 0, partial: 0 });
    const { deps, stores, tables, state } = await aPipeline(faults.client);
    for (const batch of BATCHES) await deliver(batch, deps);
    const rights = new SubjectRights({
      store: stores.subjects,
      profiles: stores.profiles,
      receipts: new DynamoReceiptStore({ client: faults.client, table: tables.profiles }),
      alerts: new DynamoSubjectAlerts({
        client: faults.client,
        table: tables.alerts,
        unprocessedRetry: NO_PAUSE,
      }),
      deadLetters: new DynamoDeadLetters({
        client: faults.client,
        table: tables.deadLetters,
        sealer: new RecordSealer(testKey()),
        now: () => FIXTURE_NOW_MS,
      }),
      pseudonymiser: testPseudonymiser(),
      now: () => FIXTURE_NOW_MS,
    });
    const subject = rights.subjectOf('C310000');
    const before = traces(await state(), subject);
    faults.plan({ throttle: 0.35, partial: 0.5 });

    // Act: as the privacy service repeats a request that failed
    let requests = 0;
    for (let done = false; !done && requests < 20; requests++) {
      done = await rights.erase('C310000').then(
        () => true,
        () => false,
      );
    }

    // Assess
    expect(before.observations.length).toBeGreaterThan(0);
    expect(before.alerts.length).toBeGreaterThan(0);
    expect(faults.counts.partial.BatchGetItemCommand).toBeGreaterThan(0);
    expect(faults.counts.maxAttempts).toBeLessThanOrEqual(SDK_ATTEMPTS);
    expect(requests).toBeLessThan(20);
    expect(traces(await state(), subject)).toEqual({ observations: [], alerts: [] });
  }, 60_000);
});
