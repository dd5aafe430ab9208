/**
 * Event ids that are the names of Object.prototype's properties (`__proto__`, `constructor`, …)
 * are valid under the contract (`[A-Za-z0-9._:-]{1,128}`). Through the real consumer on dynalite,
 * they must be stored, read, exported and erased like any other id.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DynamoClient } from '../../src/shared/aws.ts';
import { EVENT_ID_PATTERN, type VigilEvent } from '../../src/shared/contract/events.ts';
import { PROTOTYPE_NAMES } from '../../src/shared/map-keys.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetters } from '../../src/shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { DynamoReceiptStore } from '../../src/shared/dynamo/receipts.ts';
import { DynamoSubjectAlerts } from '../../src/shared/dynamo/alerts.ts';
import { SubjectRights } from '../../src/rights/subject-rights.ts';
import { consumerOnDynamo } from '../factories/consumer.ts';
import { aBrowse, aLogin, FIXTURE_NOW_MS } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { useDynalite } from '../support/local-dynamo.ts';
import { scanRaw, stringsOf } from '../support/raw-scan.ts';

const dynalite = useDynalite('pk');

async function aStage() {
  const tables = await dynalite.newTables();
  const client: DynamoClient = dynalite.local.client();
  const now = () => FIXTURE_NOW_MS;
  const deps = consumerOnDynamo(client, tables);
  const rights = new SubjectRights({
    store: deps.subjects,
    profiles: deps.store,
    receipts: new DynamoReceiptStore({ client, table: tables.profiles }),
    alerts: new DynamoSubjectAlerts({ client, table: tables.alerts }),
    deadLetters: new DynamoDeadLetters({
      client,
      table: tables.deadLetters,
      sealer: new RecordSealer(testKey()),
      now,
    }),
    pseudonymiser: testPseudonymiser(),
    now,
  });
  const consume = (events: readonly VigilEvent[]) =>
    consumeBatch(toStreamRecords(aKinesisEvent(events)), deps);
  /** The profile items whose observations (raw, not unmarshalled) mention the customer's pseudonym. */
  const holding = async (customerId: string): Promise<string[]> => {
    const subject = rights.subjectOf(customerId);
    const items = await scanRaw(dynalite.local.endpoint, tables.profiles);
    return items
      .filter((item) => stringsOf({ obs: item.obs ?? { M: {} } }).some((s) => s.includes(subject)))
      .map((item) => item.pk!.S!);
  };
  const profileKeys = async () =>
    (await scanRaw(dynalite.local.endpoint, tables.profiles)).map((item) => item.pk!.S!.split('#')[0]);
  return { store: deps.store, rights, consume, holding, profileKeys };
}

/** Prototype names (and the store's escape character), or any text of 1 to `max` characters. */
const named = (max: number) =>
  fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES, 'prototype', '~', '~__proto__'),
    fc.string({ minLength: 1, maxLength: max }),
  );

/** A login or page view of customer 0 or 1, every producer-chosen string generated. */
const anEvent = fc.record({
  eventId: fc.oneof(
    fc.constantFrom(...[...PROTOTYPE_NAMES].filter((n) => EVENT_ID_PATTERN.test(n))),
    fc.stringMatching(EVENT_ID_PATTERN),
  ),
  owner: fc.constantFrom(0, 1),
  login: fc.boolean(),
  username: named(256),
  deviceId: named(128),
  sessionId: named(128),
  userAgent: named(512),
  path: named(2048).map((p) => p.replaceAll('?', '/')),
});

const at = (minute: number) => `2026-11-24T08:${String(minute).padStart(2, '0')}:00Z`;

describe('an event id named like a property of Object.prototype', () => {
  it('is decided and stored for a new subject, and its valid neighbours with it (one batch, none given up)', async () => {
    // Prepare
    const s = await aStage();
    const events = [
      aLogin({ customerId: 'C3000001', ip: '145.53.12.21', occurredAt: at(1) }),
      aLogin({ eventId: '__proto__', customerId: 'C3000002', ip: '145.53.12.22', occurredAt: at(2) }),
      aLogin({ customerId: 'C3000003', ip: '145.53.12.23', occurredAt: at(3) }),
    ];

    // Act
    const result = await s.consume(events);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.decisions.map((d) => d.decision.eventId)).toEqual(events.map((e) => e.eventId));
    for (const customerId of ['C3000001', 'C3000002', 'C3000003'])
      expect(await s.holding(customerId)).not.toEqual([]);
  });

  it('is exported, and erased from every profile', async () => {
    // Prepare: profiles that exist already, then events with prototype-named ids
    const s = await aStage();
    const customerId = 'C3000010';
    await s.consume([aLogin({ customerId, occurredAt: at(1) })]);
    const named = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    await s.consume([
      ...named.slice(0, 2).map((eventId, i) => aLogin({ eventId, customerId, occurredAt: at(10 + i) })),
      ...named.slice(2).map((eventId, i) => aBrowse({ eventId, customerId, occurredAt: at(20 + i) })),
    ]);

    // Act
    const exported = await s.rights.export(customerId);
    const held = await s.holding(customerId);
    const receipt = await s.rights.erase(customerId);

    // Assess
    expect(exported.signals.map((sig) => sig.eventId)).toEqual(expect.arrayContaining(named));
    expect(exported.signals).toHaveLength(5);
    expect(held.length).toBeGreaterThan(1);
    expect(receipt.observations).toEqual({ login: 3, browse: 2, search: 0, order: 0 });
    expect(await s.holding(customerId)).toEqual([]);
  });

  it('whatever the producer names its events, customers, usernames, devices, sessions, paths and browsers: all decided in one batch, exported and erased', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(anEvent, { selector: (e) => e.eventId, minLength: 1, maxLength: 8 }),
        fc.uniqueArray(named(128), { minLength: 2, maxLength: 2 }),
        async (generated, customers) => {
          // Prepare
          const s = await aStage();
          const events = generated.map((e, i): VigilEvent => {
            const own = {
              eventId: e.eventId,
              customerId: customers[e.owner]!,
              deviceId: e.deviceId,
              sessionId: e.sessionId,
              userAgent: e.userAgent,
              occurredAt: at(i),
            };
            return e.login
              ? aLogin({ ...own, login: { username: e.username } })
              : aBrowse({ ...own, browse: { path: e.path } });
          });

          // Act
          const result = await s.consume(events);
          const exported = await Promise.all(customers.map((c) => s.rights.export(c)));
          for (const c of customers) await s.rights.erase(c);

          // Assess
          expect(result.batchItemFailures).toEqual([]);
          expect(result.invalid).toEqual([]);
          expect(result.decisions.map((d) => d.decision.eventId)).toEqual(events.map((e) => e.eventId));
          exported.forEach((x, owner) =>
            expect(x.signals.map((sig) => sig.eventId).sort()).toEqual(
              generated
                .filter((e) => e.owner === owner)
                .map((e) => e.eventId)
                .sort(),
            ),
          );
          for (const c of customers) expect(await s.holding(c)).toEqual([]);
          // Left: the receipts, and the shop-wide login counters (counts and hashes of event ids)
          for (const kind of await s.profileKeys()) expect(['receipt', 'global']).toContain(kind);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
