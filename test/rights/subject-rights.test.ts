/**
 * The customers' rights on DynamoDB (dynalite), with the real consumer writing the signals:
 * objection (forget, and keep forgetting), restriction and its lifting, erasure, access, and an
 * objection racing the consumer.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../../src/shared/aws.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import type { VigilEvent } from '../../src/shared/contract/events.ts';
import { FolderBlobStore } from '../../src/shared/blobs.ts';
import { type ConsumeDeps, consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetters, DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { DynamoAlertWriter, DynamoSubjectAlerts } from '../../src/shared/dynamo/alerts.ts';
import { DynamoReceiptStore } from '../../src/shared/dynamo/receipts.ts';
import { decodeObservation } from '../../src/shared/dynamo/profile-items.ts';
import { SubjectRights } from '../../src/rights/subject-rights.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder, FIXTURE_NOW_MS } from '../factories/events.ts';
import { aKinesisEvent, aKinesisRecord, toStreamRecords } from '../factories/kinesis.ts';
import { testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { type LocalDynamo, startDynalite } from '../support/local-dynamo.ts';
import { dynamoStores } from '../factories/stores.ts';

type Item = Record<string, unknown>;

let local: LocalDynamo;
let stages = 0;
/** The stages' dead-letter record stores, one folder each. */
let recordsRoot: string;

beforeAll(async () => {
  local = await startDynalite();
  recordsRoot = mkdtempSync(join(tmpdir(), 'vigil-rights-test-'));
});
afterAll(async () => {
  await local.close();
  rmSync(recordsRoot, { recursive: true, force: true });
});

/** The consumer and the rights service on the tables of a fresh stage. */
async function aStage() {
  const stage = `sr${++stages}`;
  const tables = await local.createTables(stage);
  const client: DynamoClient = local.client();
  const now = () => FIXTURE_NOW_MS;
  const { profiles: store, decisions, subjects } = dynamoStores(client, tables, { now });
  const recordsDir = join(recordsRoot, stage);
  const records = new FolderBlobStore(recordsDir);
  const sealer = new RecordSealer(testKey());
  const deps: ConsumeDeps = {
    store,
    decisions,
    subjects,
    pseudonymiser: testPseudonymiser(),
    config: resolveConfig(),
    alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
    deadLetters: new DynamoDeadLetterWriter({ client, table: tables.deadLetters, now, records }),
    sealer,
    now,
  };
  const rights = new SubjectRights({
    store: subjects,
    profiles: store,
    receipts: new DynamoReceiptStore({ client, table: tables.profiles }),
    alerts: new DynamoSubjectAlerts({ client, table: tables.alerts }),
    deadLetters: new DynamoDeadLetters({ client, table: tables.deadLetters, records, sealer, now }),
    pseudonymiser: testPseudonymiser(),
    now,
  });
  const consume = (events: readonly (VigilEvent | string)[]) =>
    consumeBatch(
      toStreamRecords(aKinesisEvent(events.map((e) => (typeof e === 'string' ? aKinesisRecord(e) : e)))),
      deps,
    );
  const scan = async (role: TableRole): Promise<Item[]> =>
    (await client.send(new ScanCommand({ TableName: tables[role], ConsistentRead: true }))).Items ?? [];
  /** Every observation of the subject in any profile item, and any item that still links to it. */
  const traces = async (customerId: string) => {
    const subject = rights.subjectOf(customerId);
    const items = await scan('profiles');
    const observations = items.flatMap((item) =>
      Object.entries((item.obs ?? {}) as Record<string, string>)
        .map(([id, o]) => decodeObservation(o, id))
        .filter((o) => o.subject === subject)
        .map((o) => ({ pk: item.pk, kind: o.kind, eventId: o.eventId })),
    );
    const subjectItem = items.find((i) => i.pk === `subject#${subject}`);
    return { observations, links: Object.keys((subjectItem?.links ?? {}) as object) };
  };
  return { tables, client, store, deps, rights, consume, scan, traces, recordsDir, sealer };
}

const at = (minute: number) => `2026-11-24T08:${String(minute).padStart(2, '0')}:00Z`;

/** A customer's morning: logins, page views, a search and an order, from home. */
function aMorning(customerId: string, ip = '145.53.12.7') {
  return [
    aLogin({ customerId, ip, occurredAt: at(1) }),
    aBrowse({ customerId, ip, occurredAt: at(2), sessionId: `s-${customerId}` }),
    aBrowse({
      customerId,
      ip,
      occurredAt: at(3),
      sessionId: `s-${customerId}`,
      browse: { path: '/search', kind: 'search', searchQuery: 'glasvezel 1 gbit' },
    }),
    anOrder({
      customerId,
      ip,
      occurredAt: at(4),
      order: {
        paymentMethod: 'card',
        paymentFingerprint: `pf-${customerId}`,
        shippingAddressId: `a-${customerId}`,
      },
    }),
  ];
}

describe('objection', () => {
  it("deletes the subject's signals from every profile, keeps a marker, and keeps later events out", async () => {
    // Prepare
    const s = await aStage();
    await s.consume([...aMorning('C1000231'), ...aMorning('C1000232', '145.53.12.9')]);
    const before = await s.traces('C1000231');
    const otherBefore = await s.traces('C1000232');

    // Act
    const receipt = await s.rights.object('C1000231', 'profiling');
    const later = await s.consume([aLogin({ customerId: 'C1000231', occurredAt: at(30) })]);

    // Assess
    expect(before.observations.length).toBeGreaterThan(8);
    expect(new Set(before.observations.map((o) => String(o.pk).split('#')[0]))).toEqual(
      new Set([
        'subject',
        'ip',
        'network',
        'device',
        'client',
        'userAgent',
        'username',
        'payment',
        'address',
      ]),
    );
    expect(receipt).toMatchObject({
      request: 'objection',
      scope: 'profiling',
      status: 'completed',
      observations: { login: 1, browse: 1, search: 1, order: 1 },
    });
    expect(receipt.profiles).toBe(new Set(before.observations.map((o) => o.pk)).size);
    expect(await s.traces('C1000231')).toEqual({ observations: [], links: [] });
    expect(await s.traces('C1000232')).toEqual(otherBefore);
    const [decision] = later.decisions;
    expect(decision!.decision.reasons).toContainEqual(
      expect.objectContaining({
        code: 'PROFILING_SUPPRESSED',
        points: 0,
        evidence: { basis: 'objection', scope: 'profiling' },
      }),
    );
    expect((await s.traces('C1000231')).observations).toEqual([]);
    const marker = (await s.scan('profiles')).find((i) => String(i.pk).startsWith('control#'));
    expect(marker).toEqual({
      pk: `control#${s.rights.subjectOf('C1000231')}`,
      objection: { scope: 'profiling', at: FIXTURE_NOW_MS },
    });
  });

  it('with scope browse_search forgets page views and searches only, and keeps profiling logins', async () => {
    // Prepare
    const s = await aStage();
    await s.consume(aMorning('C1000231'));

    // Act
    const receipt = await s.rights.object('C1000231', 'browse_search');
    await s.consume([
      aLogin({ customerId: 'C1000231', occurredAt: at(30) }),
      aBrowse({ customerId: 'C1000231', occurredAt: at(31) }),
    ]);

    // Assess
    expect(receipt.observations).toEqual({ login: 0, browse: 1, search: 1, order: 0 });
    const kinds = new Set((await s.traces('C1000231')).observations.map((o) => o.kind));
    expect(kinds).toEqual(new Set(['login', 'order']));
  });

  it('checks the markers before it marks events decided: an objection landing before the writes, then a crash at the decisions, leaves nothing', async () => {
    // Prepare: a store whose writes come just after the customer's objection has run (marker
    // set, signals deleted: the batch read no marker before), and which fails to save the
    // decisions: a crash between the writes and the decisions.
    const s = await aStage();
    const customerId = 'C2100001';
    const store: ConsumeDeps['store'] = {
      load: (keys, at, options) => s.store.load(keys, at, options),
      record: async (writes) => {
        await s.rights.object(customerId, 'profiling');
        await s.store.record(writes);
      },
    };
    const decisions: ConsumeDeps['decisions'] = {
      findDecision: (eventId) => s.deps.decisions.findDecision(eventId),
      findDecisions: (eventIds) => s.deps.decisions.findDecisions(eventIds),
      saveDecision: () => Promise.reject(new Error('crash')),
      saveDecisions: () => Promise.reject(new Error('crash')),
    };

    // Act
    const result = await consumeBatch(toStreamRecords(aKinesisEvent(aMorning(customerId))), {
      ...s.deps,
      store,
      decisions,
    });

    // Assess: the batch is retried, and what it wrote after the objection was taken back already
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await s.traces(customerId)).toEqual({ observations: [], links: [] });
  });

  // 30 races against one dynalite (timeout below): the time they take is the machine's load's.
  it('never leaves a signal behind when it races the consumer (30 interleavings)', async () => {
    // Prepare
    const s = await aStage();
    const customers = Array.from({ length: 30 }, (_, i) => `C20${String(i).padStart(5, '0')}`);

    // Act: each customer's batch and objection start together, the objection after a random
    // delay; five customers at a time (one dynalite serves them all).
    for (let i = 0; i < customers.length; i += 5) {
      await Promise.all(
        customers.slice(i, i + 5).map(async (customerId, j) => {
          const events = [
            ...aMorning(customerId, `145.53.${i + j}.7`),
            aFailedLogin('bad_password', { customerId, occurredAt: at(5) }),
          ];
          await Promise.all([
            s.consume(events),
            (async () => {
              await sleep(Math.random() * 60);
              await s.rights.object(customerId, 'profiling');
            })(),
          ]);
        }),
      );
    }

    // Assess
    for (const customerId of customers)
      expect(await s.traces(customerId)).toEqual({ observations: [], links: [] });
  }, 90_000);
});

describe('restriction', () => {
  it('sets the data aside where no rule sees it, scores later events without it, and puts it back when lifted', async () => {
    // Prepare
    const s = await aStage();
    await s.consume(aMorning('C1000231'));
    const before = await s.traces('C1000231');

    // Act
    const restricted = await s.rights.restrict('C1000231');
    const during = await s.traces('C1000231');
    const exported = await s.rights.export('C1000231');
    const later = await s.consume([aLogin({ customerId: 'C1000231', occurredAt: at(30) })]);
    const lifted = await s.rights.liftRestriction('C1000231');

    // Assess
    expect(restricted.observations).toEqual({ login: 1, browse: 1, search: 1, order: 1 });
    expect(during).toEqual({ observations: [], links: [] });
    expect(exported.restrictions).toEqual([{ since: new Date(FIXTURE_NOW_MS).toISOString() }]);
    expect(exported.signals).toHaveLength(4);
    expect(exported.signals.every((sig) => sig.restricted)).toBe(true);
    expect(later.decisions[0]!.decision.reasons.map((r) => r.code)).toContain('PROFILING_SUPPRESSED');
    expect(lifted.observations).toEqual({ login: 1, browse: 1, search: 1, order: 1 });
    const after = await s.traces('C1000231');
    const sorted = (t: typeof before) => t.observations.map((o) => `${String(o.pk)} ${o.eventId}`).sort();
    expect(sorted(after)).toEqual(sorted(before));
    expect(after.links.sort()).toEqual(before.links.sort());
    expect((await s.rights.export('C1000231')).restrictions).toEqual([]);
  });
});

describe('erasure and access', () => {
  it('exports everything stored about the subject in plain words, without raw identifiers', async () => {
    // Prepare
    const s = await aStage();
    await s.consume(aMorning('C1000231'));
    await s.rights.object('C1000231', 'browse_search');

    // Act
    const exported = await s.rights.export('C1000231');

    // Assess
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining(['signals', 'alerts', 'suppressions', 'restrictions', 'about']),
    );
    expect(exported.signals.map((sig) => sig.kind).sort()).toEqual(['login', 'order']);
    for (const sig of exported.signals) {
      expect(sig.heldIn).toContain(`subject#${exported.subject}`);
      expect(Date.parse(sig.expiresAt)).toBeGreaterThan(Date.parse(sig.observedAt));
    }
    expect(exported.suppressions).toEqual([
      { scope: 'browse_search', since: new Date(FIXTURE_NOW_MS).toISOString() },
    ]);
    expect(JSON.stringify(exported)).not.toMatch(/C1000231|145\.53\.12\.7|anna@example/);
  });

  it('erases signals and alerts everywhere, keeps an objection marker and the receipt', async () => {
    // Prepare
    const s = await aStage();
    const attack = Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        customerId: 'C1000231',
        ip: '185.220.101.4',
        userAgent: 'python-requests/2.31.0',
        occurredAt: `2026-11-24T09:00:${String(i).padStart(2, '0')}Z`,
      }),
    );
    await s.consume([...aMorning('C1000231'), ...attack]);
    await s.rights.object('C1000231', 'browse_search');
    const alertsBefore = (await s.rights.export('C1000231')).alerts.length;

    // Act
    const receipt = await s.rights.erase('C1000231');

    // Assess
    expect(alertsBefore).toBeGreaterThan(0);
    expect(receipt).toMatchObject({
      request: 'erasure',
      alerts: alertsBefore,
      observations: { login: 9, order: 1 },
    });
    expect(await s.traces('C1000231')).toEqual({ observations: [], links: [] });
    const exported = await s.rights.export('C1000231');
    expect(exported).toMatchObject({ signals: [], alerts: [], restrictions: [] });
    expect(exported.suppressions).toHaveLength(1);
    expect(
      await new DynamoReceiptStore({ client: s.client, table: s.tables.profiles }).findReceipt(
        receipt.requestId,
      ),
    ).toEqual(receipt);
  });
});

describe('erasure of dead letters', () => {
  /** Every record file under the record store, as text. */
  const recordFiles = (dir: string): string[] => {
    const folder = join(dir, 'dead-letters');
    return readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8'));
  };

  it("deletes the subject's dead letters, attributed or found in records attributed to no one, and nothing else", async () => {
    // Prepare
    const s = await aStage();
    const subject = s.rights.subjectOf('C1000231');
    const other = s.rights.subjectOf('C1000232');
    const own = [
      // Valid JSON with a string customerId, another field invalid: attributed.
      JSON.stringify({ ...aLogin({ customerId: 'C1000231' }), ip: 'not-an-ip' }),
      // Cut JSON with a customerId member: attributed.
      '{"schemaVersion":1,"eventId":"e-cut","customerId":"C1000231","ip":"145.53.12.7","login":{"username":"anna@',
      // JSON without a top-level customerId: attributed to no one, the id inside.
      '{"schemaVersion":1,"type":"login","account":{"id":"C1000231"},"ip":"145.53.12.7"}',
    ];
    const others = [
      JSON.stringify({ ...aLogin({ customerId: 'C1000232' }), ip: 'not-an-ip' }),
      'not json at all',
      '{"schemaVersion":1,"account":{"id":"C10002311"}}',
    ];
    const result = await s.consume([...own, ...aMorning('C1000231'), ...others]);
    const before = await s.scan('deadLetters');

    // Act
    const receipt = await s.rights.erase('C1000231');

    // Assess
    expect(result.invalid).toHaveLength(6);
    expect(before.filter((l) => l.subject === subject)).toHaveLength(2);
    expect(receipt.deadLetters).toBe(3);
    const after = await s.scan('deadLetters');
    expect(after).toHaveLength(3);
    expect(after.filter((l) => l.subject === other)).toHaveLength(1);
    const files = recordFiles(s.recordsDir);
    expect(files).toHaveLength(3);
    // A raw look at the table and the folder: no pseudonym of the subject, and, opened with the
    // key, no record or excerpt that holds its customer id.
    expect(JSON.stringify(after)).not.toContain(subject);
    expect(files.join('\n')).not.toContain(subject);
    const opened = [...files, ...after.map((l) => l.excerpt as string)].map((sealed) =>
      s.sealer.open(sealed).toString('utf8'),
    );
    expect(opened.filter((text) => text.includes('"C1000231"'))).toEqual([]);
    expect(opened).toContain('not json at all');
  });
});
