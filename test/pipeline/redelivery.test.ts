/**
 * At-least-once delivery end to end: events put to kinesalite, delivered by the local poller with
 * Lambda's semantics to the consumer on dynalite, with a crash injected between the batch's
 * signal writes and its completion markers (the decisions). The redelivered batch must leave
 * exactly the state a clean delivery leaves: no observation or login counted twice, no alert
 * reopened.
 */
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisPoller } from '../../src/local/poller.ts';
import { statusPartitionOf, DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { putRecordsAll } from '../../src/shared/kinesis.ts';
import { type ConsumeDeps, consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { aBrowse, aFailedLogin, aLogin, FIXTURE_NOW_MS } from '../factories/events.ts';
import { toStreamRecords } from '../factories/kinesis.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { type LocalKinesis, startKinesalite } from '../support/kinesalite.ts';
import { type LocalDynamo, startDynalite } from '../support/local-dynamo.ts';
import { dynamoStores } from '../factories/stores.ts';
import type { DecisionLog } from '../../src/shared/ports/decisions.ts';

type Item = Record<string, unknown>;

let kinesis: LocalKinesis;
let dynamo: LocalDynamo;
let stages = 0;

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesalite(), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), dynamo.close()]);
});

/** A morning of two customers, and a scripted attack on a third account that raises alerts. */
function traffic() {
  const at = (minute: number, second = 0) =>
    `2026-11-24T08:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
  const customers = ['C1000231', 'C1000232'].flatMap((customerId, c) =>
    Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0
        ? aLogin({ customerId, occurredAt: at(10 + i, c), ip: `145.53.12.${7 + c}` })
        : aBrowse({ customerId, occurredAt: at(10 + i, c), ip: `145.53.12.${7 + c}` }),
    ),
  );
  const attack = Array.from({ length: 10 }, (_, i) =>
    aFailedLogin(i % 3 === 0 ? 'unknown_user' : 'bad_password', {
      customerId: i % 3 === 0 ? undefined : 'C2000777',
      occurredAt: at(30, i),
      ip: '185.220.101.4',
      userAgent: 'python-requests/2.31.0',
      deviceId: undefined,
    }),
  );
  return [...customers, ...attack];
}

/** Consumer deps on the tables of a fresh stage; `wrap` decorates the decision log. */
async function aStage(wrap: (log: DecisionLog, client: DynamoDBDocumentClient) => DecisionLog) {
  const tables = await dynamo.createTables(`r${++stages}`);
  const client = dynamo.client();
  const now = () => FIXTURE_NOW_MS;
  const stores = dynamoStores(client, tables, { now });
  const deps: ConsumeDeps = {
    store: stores.profiles,
    decisions: wrap(stores.decisions, client),
    pseudonymiser: testPseudonymiser(),
    config: resolveConfig(),
    alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
    deadLetters: new DynamoDeadLetterWriter({ client, table: tables.deadLetters, now }),
    now,
  };
  const scan = async (role: TableRole): Promise<Item[]> => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tables[role] }));
    return Items.sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
  };
  return { deps, tables, client, scan };
}

/** Streams the traffic through a fresh one-shard stream and the poller into `deps`; resolves when idle. */
async function deliver(deps: ConsumeDeps, events: ReturnType<typeof traffic>): Promise<KinesisPoller> {
  const stream = `vigil-redelivery${++stages}-events`;
  await kinesis.createStream(stream, 1);
  await putRecordsAll(
    kinesis.client(),
    stream,
    events.map((e) => ({ partitionKey: e.customerId ?? e.ip, data: Buffer.from(JSON.stringify(e)) })),
  );
  const poller = new KinesisPoller({
    client: kinesis.client(),
    streamName: stream,
    handler: async (event) => {
      const { batchItemFailures } = await consumeBatch(toStreamRecords(event), deps);
      return { batchItemFailures };
    },
    batchSize: 100,
    idleDelayMs: 20,
    retryDelayMs: 1,
    maximumRetryAttempts: 3,
  });
  await poller.start();
  await poller.whenIdle();
  await poller.stop();
  return poller;
}

/**
 * What a table holds that a redelivery must not change: the profiles' observations and counts
 * (not the shards' marks: sequence numbers differ from stream to stream).
 */
const profileState = (items: Item[]) =>
  items.map((item) =>
    String(item.pk).startsWith('global#')
      ? Object.fromEntries(Object.entries(item).filter(([name]) => !name.startsWith('hw#')))
      : { pk: item.pk, obs: item.obs, ttl: item.ttl },
  );

describe('redelivery through the local poller', () => {
  it('leaves the state of one clean delivery when a batch crashes before its decisions and comes again', async () => {
    // Prepare
    const events = traffic();
    const clean = await aStage((store) => store);
    let crashes = 0;
    let closedPk: unknown;
    const faulty = await aStage((store, client) => ({
      findDecision: (id) => store.findDecision(id),
      findDecisions: (ids) => store.findDecisions(ids),
      saveDecision: (decision, expiresAt) => store.saveDecision(decision, expiresAt),
      saveDecisions: async (decisions) => {
        if (crashes++ > 0) return store.saveDecisions(decisions);
        // The signals, counters and alerts are written; an analyst closes an alert meanwhile; then the crash.
        const { Items = [] } = await client.send(new ScanCommand({ TableName: faulty.tables.alerts }));
        closedPk = Items[0]!.pk;
        await client.send(
          new UpdateCommand({
            TableName: faulty.tables.alerts,
            Key: { pk: Items[0]!.pk },
            UpdateExpression: 'SET #s = :closed, gsi1pk = :pk',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':closed': 'closed',
              ':pk': statusPartitionOf('closed', Items[0]!.pk as string),
            },
          }),
        );
        throw new Error('Lambda timed out (injected)');
      },
    }));

    // Act
    const cleanRun = await deliver(clean.deps, events);
    const faultyRun = await deliver(faulty.deps, events);

    // Assess
    expect(cleanRun.counters).toMatchObject({ records: events.length, batches: 1 });
    expect(faultyRun.counters).toMatchObject({ records: events.length, batches: 2, failures: 0 });
    const [cleanProfiles, faultyProfiles] = await Promise.all([
      clean.scan('profiles'),
      faulty.scan('profiles'),
    ]);
    expect(profileState(faultyProfiles)).toEqual(profileState(cleanProfiles));
    const globals = faultyProfiles.filter((p) => String(p.pk).startsWith('global#'));
    expect(await faulty.scan('deadLetters')).toEqual([]);
    expect(globals).toHaveLength(1);
    expect(globals[0]).toMatchObject({ logins: 16, failures: 10 });
    const decisionsOf = async (stage: typeof clean) =>
      (await stage.scan('decisions')).map((d) => ({ pk: d.pk, d: JSON.parse(d.d as string) as unknown }));
    expect(await decisionsOf(faulty)).toEqual(await decisionsOf(clean));
    const [cleanAlerts, faultyAlerts] = await Promise.all([clean.scan('alerts'), faulty.scan('alerts')]);
    expect(faultyAlerts.map((a) => a.pk)).toEqual(cleanAlerts.map((a) => a.pk));
    expect(cleanAlerts.length).toBeGreaterThan(1);
    // A scan's order follows the keys' hashes, not when the alerts were written: find the closed one by its key.
    expect(faultyAlerts.map((a) => a.status)).toEqual(
      faultyAlerts.map((a) => (a.pk === closedPk ? 'closed' : 'open')),
    );
    expect(faultyAlerts.filter((a) => a.status === 'closed')).toHaveLength(1);
  });
});
