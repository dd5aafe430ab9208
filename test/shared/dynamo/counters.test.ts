/**
 * The shop-wide login counters under load and redelivery, through the real consumer on dynalite:
 * each stream record's login is counted once per hour bucket by the shard's high-water mark,
 * whatever the login rate, however a batch is redelivered, and with shards writing side by side.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/rules/config.ts';
import { type ConsumeDeps, consumeBatch, type StreamRecord } from '../../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../../src/shared/dynamo/dead-letters.ts';
import { DynamoAlertWriter } from '../../../src/shared/dynamo/alerts.ts';
import { GlobalCounters, globalPk } from '../../../src/shared/dynamo/counters.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import type { DecisionLog } from '../../../src/shared/ports/decisions.ts';
import { aFailedLogin, aLogin, FIXTURE_NOW_MS } from '../../factories/events.ts';
import { aKinesisEvent, aKinesisRecord, toStreamRecords } from '../../factories/kinesis.ts';
import { testPseudonymiser } from '../../factories/pipeline.ts';
import { dynamoStores } from '../../factories/stores.ts';
import { countWritesByKey, useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('gc');

/** The hour every login of these tests falls in: 2026-11-24 08:00Z. */
const HOUR = Date.parse('2026-11-24T08:00:00Z');

/**
 * Login `n` of a busy hour: 20 customers from 5 addresses (few items, so that the counters are
 * what is measured), every tenth one failed, spread over the hour.
 */
const aLoginNumber = (n: number) => {
  const overrides = {
    customerId: `C40000${String(n % 20).padStart(2, '0')}`,
    ip: `145.53.12.${n % 5}`,
    occurredAt: new Date(HOUR + Math.floor(n / 20) * 1_000 + (n % 20)).toISOString(),
  };
  return n % 10 === 0 ? aFailedLogin('bad_password', overrides) : aLogin(overrides);
};

/** Stream records of logins `from` to `to` (exclusive) on `shard`. */
const recordsOf = (shard: string, from: number, to: number): StreamRecord[] =>
  toStreamRecords(
    aKinesisEvent(
      Array.from({ length: to - from }, (_, i) => aKinesisRecord(aLoginNumber(from + i), { shard })),
    ),
  );

/** Consumer deps on a fresh stage, one profile store per shard (as separate Lambda instances). */
async function aStage() {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  const now = () => FIXTURE_NOW_MS;
  const depsOf = (wrap: (log: DecisionLog) => DecisionLog = (l) => l): ConsumeDeps => {
    const { profiles, decisions } = dynamoStores(client, tables, { now });
    return {
      store: profiles,
      decisions: wrap(decisions),
      pseudonymiser: testPseudonymiser(),
      config: resolveConfig(),
      alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
      deadLetters: new DynamoDeadLetterWriter({ client, table: tables.deadLetters, now }),
      now,
    };
  };
  const bucket = async () =>
    (await client.send(new GetCommand({ TableName: tables.profiles, Key: { pk: globalPk(HOUR) } }))).Item;
  return { tables, client, depsOf, bucket };
}

/** A decision log whose first `saveDecisions` fails: the crash after the batch's writes, before its decisions. */
const crashingBeforeDecisions = (store: DecisionLog): DecisionLog => {
  let crashed = false;
  return {
    findDecision: (id) => store.findDecision(id),
    findDecisions: (ids) => store.findDecisions(ids),
    saveDecision: (decision, expiresAt) => store.saveDecision(decision, expiresAt),
    saveDecisions: async (decisions) => {
      if (crashed) return store.saveDecisions(decisions);
      crashed = true;
      throw new Error('Lambda timed out (injected)');
    },
  };
};

/** The counts logins `0` to `n` (exclusive) must leave. */
const expectedCounts = (n: number) => ({ logins: n, failures: Math.ceil(n / 10) });

describe('shop-wide login counters', () => {
  it('count 50,000 logins of one hour from two shards exactly, in one write per batch', async () => {
    // Prepare: 2 shards × 50 batches of 500 logins, all in one hour bucket
    const stage = await aStage();
    const BATCH = 500;
    const PER_SHARD = 25_000;
    const shards = ['shardId-000000000001', 'shardId-000000000002'];
    const writes = countWritesByKey(stage.client);

    // Act: each shard's batches in order, the two shards side by side
    const errors: unknown[] = [];
    const log = { error: (_: string, fields: Record<string, unknown>) => errors.push(fields.error) };
    await Promise.all(
      shards.map(async (shard, s) => {
        const deps = { ...stage.depsOf(), log };
        for (let from = 0; from < PER_SHARD; from += BATCH) {
          const first = s * PER_SHARD + from;
          await consumeBatch(recordsOf(shard, first, first + BATCH), deps);
        }
      }),
    );

    // Assess: no batch failed, the counts are exact, the shards never contended
    expect(errors).toEqual([]);
    expect(writes.take()[stage.tables.profiles]?.[globalPk(HOUR)]).toBe((2 * PER_SHARD) / BATCH);
    const item = await stage.bucket();
    expect(item).toMatchObject(expectedCounts(2 * PER_SHARD));
    expect(Object.keys(item!).filter((name) => name.startsWith('hw#'))).toEqual(
      shards.map((shard) => `hw#${shard}`),
    );
    stage.client.destroy();
  }, 900_000);

  it('counts nothing twice when a batch is redelivered after its writes, before its decisions', async () => {
    // Prepare
    const stage = await aStage();
    const records = recordsOf('shardId-000000000003', 0, 40);
    const deps = stage.depsOf(crashingBeforeDecisions);

    // Act
    const first = await consumeBatch(records, deps);
    const again = await consumeBatch(records, deps);

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.sequenceNumber }]);
    expect(again.batchItemFailures).toEqual([]);
    expect(await stage.bucket()).toMatchObject(expectedCounts(40));
  }, 180_000);

  it('counts only what the earlier attempt did not when a retry starts in the middle of its batch', async () => {
    // Prepare: records 0–29 counted then crashed; the retry brings records 10–49
    const stage = await aStage();
    const records = recordsOf('shardId-000000000004', 0, 50);
    const deps = stage.depsOf(crashingBeforeDecisions);

    // Act
    const first = await consumeBatch(records.slice(0, 30), deps);
    const retry = await consumeBatch(records.slice(10), deps);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retry.batchItemFailures).toEqual([]);
    expect(await stage.bucket()).toMatchObject(expectedCounts(50));
  }, 180_000);

  it('counts everything of two shards writing the same bucket at the same time', async () => {
    // Prepare: each shard's store has read the bucket before either writes
    const stage = await aStage();
    const batches = [recordsOf('shardId-000000000005', 0, 100), recordsOf('shardId-000000000006', 100, 200)];

    // Act
    const results = await Promise.all(batches.map((records) => consumeBatch(records, stage.depsOf())));

    // Assess
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(await stage.bucket()).toMatchObject(expectedCounts(200));
  }, 180_000);
});

describe('GlobalCounters', () => {
  const loginAt = (eventId: string, sequence?: string): ProfileWrite => ({
    observation: { eventId, at: HOUR + 1_000, kind: 'login' } as ProfileWrite['observation'],
    keys: [],
    login: { outcome: 'success', unknownUser: false },
    ...(sequence === undefined ? {} : { position: { shard: 'shardId-000000000007', sequence } }),
  });

  it('compares sequence numbers as integers, not as text', async () => {
    // Prepare: the mark is 99; 100 sorts before it as text
    const stage = await aStage();
    const counters = new GlobalCounters({ client: stage.client, table: stage.tables.profiles });
    await counters.add([loginAt('e1', '99')]);

    // Act
    await new GlobalCounters({ client: stage.client, table: stage.tables.profiles }).add([
      loginAt('e2', '100'),
      loginAt('e1', '99'),
    ]);

    // Assess
    expect(await stage.bucket()).toMatchObject({ logins: 2, 'hw#shardId-000000000007': '100' });
  });

  it('adds only what is still above the mark when a redelivery of the shard moved it meanwhile', async () => {
    // Prepare: a slow attempt read the bucket empty; the redelivery counts records 1–5 first
    const stage = await aStage();
    const aCounters = () => new GlobalCounters({ client: stage.client, table: stage.tables.profiles });
    const [slow, redelivery] = [aCounters(), aCounters()];
    slow.observe(HOUR, undefined);
    const logins = Array.from({ length: 8 }, (_, i) => loginAt(`e${i + 1}`, String(i + 1)));
    await redelivery.add(logins.slice(0, 5));

    // Act
    await slow.add(logins);

    // Assess
    expect(await stage.bucket()).toMatchObject({ logins: 8, 'hw#shardId-000000000007': '8' });
  });

  it('adds writes without a stream position every time (a plain ADD)', async () => {
    // Prepare
    const stage = await aStage();
    const counters = new GlobalCounters({ client: stage.client, table: stage.tables.profiles });

    // Act
    await counters.add([loginAt('e1')]);
    await counters.add([loginAt('e1')]);

    // Assess
    const item = await stage.bucket();
    expect(item).toMatchObject({ logins: 2 });
    expect(Object.keys(item!).filter((name) => name.startsWith('hw#'))).toEqual([]);
  });

  it('keeps the counts of an item written with a ledger and drops the ledger on the first write', async () => {
    // Prepare: an hour counted before the marks (a version and a ledger slot)
    const stage = await aStage();
    const legacy = { pk: globalPk(HOUR), logins: 5, failures: 1, v: 3, 'applied#5900000': new Set(['abc']) };
    await stage.client.send(new PutCommand({ TableName: stage.tables.profiles, Item: legacy }));
    const counters = new GlobalCounters({ client: stage.client, table: stage.tables.profiles });

    // Act
    await counters.add([loginAt('e1', '1')]);

    // Assess
    const item = await stage.bucket();
    expect(item).toMatchObject({ logins: 6, failures: 1, 'hw#shardId-000000000007': '1' });
    expect(item).not.toHaveProperty('v');
    expect(item).not.toHaveProperty('applied#5900000');
  });
});
