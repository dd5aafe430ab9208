/**
 * Hot keys at attack scale, counted at the store: a credential-stuffing wave from a few
 * addresses lands on a few profile items and every new alert is open. The writes per item key
 * per batch and per `gsi1` partition must stay bounded (the bounds per second: docs/capacity.md).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ALERT_STATUS_SHARDS, statusPartition, DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { type ConsumeDeps, consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { DynamoProfileStore } from '../../src/shared/dynamo/profiles.ts';
import type { Observation, ProfileKey } from '../../src/shared/profile.ts';
import type { ProfileWrite } from '../../src/shared/profile.ts';
import { PROFILE_LIMITS } from '../../src/shared/ports/profiles.ts';
import { anAlert } from '../factories/api.ts';
import { aFailedLogin, FIXTURE_NOW_MS } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { countWritesByKey, useDynalite } from '../support/local-dynamo.ts';
import { dynamoStores } from '../factories/stores.ts';

type Item = Record<string, unknown>;

const dynalite = useDynalite('hk');

/** Every item of a table (all pages). */
async function scanAll(table: string, projection: string): Promise<Item[]> {
  const client = dynalite.local.client();
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ProjectionExpression: projection, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
}

const ADDRESSES = ['185.220.101.4', '185.220.101.5', '45.155.205.233'];

/** Attempt `n` of the wave: another account each time, from one of three addresses, 10 ms apart. */
const anAttempt = (n: number) =>
  aFailedLogin(n % 5 === 0 ? 'unknown_user' : 'bad_password', {
    customerId: `C3${String(n).padStart(6, '0')}`,
    occurredAt: new Date(Date.parse('2026-11-24T08:40:00Z') + n * 10).toISOString(),
    ip: ADDRESSES[n % ADDRESSES.length]!,
    userAgent: 'python-requests/2.31.0',
    deviceId: undefined,
    login: { username: `user${n}@example.nl` },
  });

describe('hot keys under a credential-stuffing wave', () => {
  it('writes each profile item and the shop-wide counters once per batch, however many attempts hit it', async () => {
    // Prepare: two batches of 500 attempts from 3 addresses
    const tables = await dynalite.newTables();
    const client = dynalite.local.client();
    const now = () => FIXTURE_NOW_MS;
    const stores = dynamoStores(client, tables, { now });
    const deps: ConsumeDeps = {
      store: stores.profiles,
      decisions: stores.decisions,
      pseudonymiser: testPseudonymiser(),
      config: resolveConfig(),
      alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
      deadLetters: new DynamoDeadLetterWriter({ client, table: tables.deadLetters, now }),
      now,
    };
    const batches = [0, 1].map((b) =>
      toStreamRecords(aKinesisEvent(Array.from({ length: 500 }, (_, i) => anAttempt(b * 500 + i)))),
    );
    const writes = countWritesByKey(client);

    // Act
    const perBatch: Record<string, number>[] = [];
    for (const records of batches) {
      const result = await consumeBatch(records, deps);
      expect(result.batchItemFailures).toEqual([]);
      perBatch.push(writes.take()[tables.profiles] ?? {});
    }

    // Assess: one write per item and batch, the three addresses' items among them
    const profiles = await scanAll(tables.profiles, 'pk, obs');
    const ipItems = profiles.filter((p) => String(p.pk).startsWith('ip#'));
    expect(ipItems).toHaveLength(ADDRESSES.length);
    for (const counts of perBatch) {
      expect(Math.max(...Object.values(counts))).toBe(1);
      for (const item of ipItems) expect(counts[item.pk as string]).toBe(1);
      expect(Object.keys(counts).filter((pk) => pk.startsWith('global#'))).toHaveLength(1);
    }
    // The hot items stay bounded in size: the newest logins only.
    for (const item of ipItems) expect(Object.keys(item.obs as object)).toHaveLength(PROFILE_LIMITS.login);
    client.destroy();
  }, 120_000);

  it('writes a hot item at most twice per batch when another shard wrote it since the batch read it', async () => {
    // Prepare: two shards' stores read the three addresses' items; the later shard writes first
    const tables = await dynalite.newTables();
    const client = dynalite.local.client();
    const aStore = () =>
      new DynamoProfileStore({ client, table: tables.profiles, now: () => FIXTURE_NOW_MS });
    const [early, late] = [aStore(), aStore()];
    const ips = ADDRESSES.map((_, i): ProfileKey => `ip#v1:hot-${i}`);
    const T0 = Date.parse('2026-11-24T08:40:00Z');
    const wave = (from: number): ProfileWrite[] =>
      Array.from({ length: 500 }, (_, i) => {
        const at = T0 + (from + i) * 10;
        const observation: Observation = {
          eventId: `wave-${from + i}`,
          kind: 'login',
          at,
          expiresAt: Math.floor(at / 1000) + 90 * 86_400,
          outcome: 'failure',
        };
        return { observation, keys: [ips[i % ips.length]!] };
      });
    await early.record(wave(0));
    await early.load(ips, T0 + 10_000);
    await late.load(ips, T0 + 10_000);
    await late.record(wave(1_000));
    const writes = countWritesByKey(client);

    // Act
    await early.record(wave(500));

    // Assess
    const counts = writes.take()[tables.profiles] ?? {};
    for (const ip of ips) expect(counts[ip]).toBe(2);
    client.destroy();
  });

  it('spreads 10,000 open alerts evenly over the shards of the open partition', async () => {
    // Prepare
    const tables = await dynalite.newTables();
    const client = dynalite.local.client();
    const alerts = Array.from({ length: 10_000 }, (_, i) =>
      anAlert({ occurredAt: new Date(Date.parse('2026-11-24T08:40:00Z') + i).toISOString() }),
    );
    const writes = countWritesByKey(client);

    // Act
    await new DynamoAlertWriter({ client, table: tables.alerts }).write(alerts);

    // Assess: every base-table write is an index write to the item's gsi1 partition
    const byPk = writes.take()[tables.alerts] ?? {};
    const partitionOf = new Map(
      (await scanAll(tables.alerts, 'pk, gsi1pk')).map((i) => [i.pk as string, i.gsi1pk as string]),
    );
    const perPartition = new Map<string, number>();
    for (const [pk, n] of Object.entries(byPk)) {
      const partition = partitionOf.get(pk)!;
      perPartition.set(partition, (perPartition.get(partition) ?? 0) + n);
    }
    const shards = Array.from({ length: ALERT_STATUS_SHARDS }, (_, n) => statusPartition('open', n));
    expect([...perPartition.keys()].sort()).toEqual(shards.sort());
    const fair = alerts.length / ALERT_STATUS_SHARDS;
    expect(Math.max(...perPartition.values())).toBeLessThan(fair * 1.25);
    expect(Math.min(...perPartition.values())).toBeGreaterThan(fair * 0.75);
    client.destroy();
  }, 300_000);
});
