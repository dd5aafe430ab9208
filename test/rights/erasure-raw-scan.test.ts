/**
 * Erasure (and objection, for its scope) leaves nothing of the customer behind: a customer's
 * events, some with event ids named like Object.prototype's properties, go through the real
 * consumer on dynalite; the customer's rights are exercised through the privacy service's
 * routes (audited); then every table is scanned RAW (AttributeValues, nothing unmarshalled, so a
 * key such as `__proto__` is seen too) for the pseudonyms that only this customer's events
 * produced. What the README's rights section says is kept, and why, is the only exception.
 */
import { describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../src/shared/dynamo/audit.ts';
import { eraseSubject, objectToProfiling } from '../../src/api/rights.ts';
import type { Caller } from '../../src/api/roles.ts';
import type { DynamoClient } from '../../src/shared/aws.ts';
import type { VigilEvent } from '../../src/shared/contract/events.ts';
import { toFacts } from '../../src/pipeline/enrich.ts';
import { compileKnownClients } from '../../src/rules/known-clients.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderBlobStore } from '../../src/shared/blobs.ts';
import { DynamoDeadLetters } from '../../src/shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { DynamoReceiptStore } from '../../src/shared/dynamo/receipts.ts';
import { DynamoSubjectAlerts } from '../../src/shared/dynamo/alerts.ts';
import { SubjectRights } from '../../src/rights/subject-rights.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { consumerOnDynamo } from '../factories/consumer.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder, FIXTURE_NOW_MS } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { withField } from '../factories/events.ts';
import { useDynalite } from '../support/local-dynamo.ts';
import { type RawItem, scanRaw, stringsOf } from '../support/raw-scan.ts';

const KNOWN_CLIENTS = compileKnownClients();

/**
 * The tables a raw scan covers: one more table is one more line here. What may still hold the
 * customer's pseudonym after the request, as the README's rights section documents it, is named
 * per table with its attribute; anything else is a leftover.
 */
const SCANNED: Partial<Record<TableRole, (item: RawItem) => string | undefined>> = {
  // The objection marker (`control#<pseudonym>`: honouring the objection needs it) and the
  // request's receipt (`subject`: accountability, GDPR Art. 5(2)).
  profiles: (item) =>
    item.pk?.S?.startsWith('control#') ? 'pk' : item.pk?.S?.startsWith('receipt#') ? 'subject' : undefined,
  // The decisions' eight-day idempotency entries: event id and score, no identifier.
  decisions: () => undefined,
  alerts: () => undefined,
  // Every rights request is audited with the pseudonym as its target.
  audit: () => 'target',
  // Invalid records of the customer: attributed to the pseudonym, deleted with their sealed record.
  deadLetters: () => undefined,
};

const PRIVACY: Caller = { principalId: 'privacy-service:account-portal', role: 'privacy-service' };
const pseudonymiser = testPseudonymiser();

const dynalite = useDynalite('er');

async function aStage() {
  const tables = await dynalite.newTables();
  const client: DynamoClient = dynalite.local.client();
  const now = () => FIXTURE_NOW_MS;
  const recordsDir = mkdtempSync(join(tmpdir(), 'vigil-erasure-scan-'));
  const records = new FolderBlobStore(recordsDir);
  const sealer = new RecordSealer(testKey());
  const deps = consumerOnDynamo(client, tables, { pseudonymiser, records, sealer });
  const receipts = new DynamoReceiptStore({ client, table: tables.profiles });
  const rights = {
    rights: new SubjectRights({
      store: deps.subjects,
      profiles: deps.store,
      receipts,
      alerts: new DynamoSubjectAlerts({ client, table: tables.alerts }),
      deadLetters: new DynamoDeadLetters({ client, table: tables.deadLetters, records, sealer, now }),
      pseudonymiser,
      now,
    }),
    receipts,
    audit: new DynamoAuditLog({ client, table: tables.audit, now }),
  };
  /** The sealed records still in the record folder, opened. */
  const openRecords = () =>
    readdirSync(recordsDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => sealer.open(readFileSync(join(entry.parentPath, entry.name), 'utf8')).toString('utf8'));
  const consume = async (events: readonly unknown[]) => {
    const result = await consumeBatch(toStreamRecords(aKinesisEvent(events)), deps);
    expect(result.batchItemFailures).toEqual([]);
    return result;
  };
  /** Per scanned table, the items holding any of the pseudonyms: their key and the attributes that do. */
  const holding = async (pseudonyms: ReadonlySet<string>) => {
    const found: { table: TableRole; key: string; attributes: string[]; kept?: string }[] = [];
    for (const [table, keptAs] of Object.entries(SCANNED) as [TableRole, (item: RawItem) => string][]) {
      for (const item of await scanRaw(dynalite.local.endpoint, tables[table])) {
        const attributes = Object.keys(item).filter((name) =>
          stringsOf({ [name]: item[name]! }).some((s) => [...pseudonyms].some((p) => s.includes(p))),
        );
        if (attributes.length === 0) continue;
        const key = `${item.pk?.S}${item.sk ? ` ${item.sk.S}` : ''}`;
        found.push({ table, key, attributes, kept: keptAs(item) });
      }
    }
    return found;
  };
  return { consume, rights, holding, openRecords };
}

const at = (minute: number) => `2026-11-24T08:${String(minute).padStart(2, '0')}:00Z`;
const SHARED_IP = '145.53.40.1';

/**
 * A customer's events: from home and from an address a neighbour uses too, on their own device
 * and browser, with a card and a shipping address, a password attack (alerts), and event ids
 * named like Object.prototype's properties.
 */
function theCustomersEvents(customerId: string): VigilEvent[] {
  const own = { customerId, deviceId: `d-${customerId}`, userAgent: `Browser/1.0 (${customerId})` };
  return [
    aLogin({ ...own, eventId: '__proto__', ip: '145.53.12.7', occurredAt: at(1) }),
    aBrowse({ ...own, eventId: 'constructor', ip: '145.53.12.7', occurredAt: at(2), sessionId: 's-1' }),
    aBrowse({
      ...own,
      eventId: 'toString',
      ip: SHARED_IP,
      occurredAt: at(3),
      sessionId: 's-1',
      browse: { path: '/search', kind: 'search', searchQuery: 'glasvezel' },
    }),
    anOrder({
      ...own,
      eventId: 'hasOwnProperty',
      ip: SHARED_IP,
      occurredAt: at(4),
      order: { paymentMethod: 'card', paymentFingerprint: 'pf-1', shippingAddressId: 'a-1' },
    }),
    ...Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        ...own,
        ip: '185.220.101.4',
        userAgent: 'python-requests/2.31.0',
        occurredAt: `2026-11-24T09:00:${String(i).padStart(2, '0')}Z`,
      }),
    ),
  ];
}

/** Two invalid records of the customer: one attributable (a bad amount), one not (cut JSON). */
function theCustomersInvalidRecords(customerId: string): unknown[] {
  const bad = withField(anOrder({ customerId, occurredAt: at(7) }), 'order.amountMinor', -1);
  return [bad, JSON.stringify(aLogin({ customerId, occurredAt: at(8) })).slice(0, -20)];
}

/** A neighbour's events from the shared address. */
const theNeighboursEvents = (): VigilEvent[] => [
  aLogin({ customerId: 'C4000002', deviceId: 'd-neighbour', ip: SHARED_IP, occurredAt: at(5) }),
  aBrowse({ customerId: 'C4000002', ip: SHARED_IP, occurredAt: at(6), sessionId: 's-2' }),
];

/** Every pseudonym the events' facts carry. */
function pseudonymsOf(events: readonly VigilEvent[]): Set<string> {
  const all = new Set<string>();
  for (const event of events) {
    const f = toFacts(event, Date.parse(event.occurredAt), pseudonymiser, KNOWN_CLIENTS);
    const found = [f.subject, f.username, f.device, f.client, f.userAgent?.id, f.ip.id, f.ip.network];
    for (const p of [...found, f.order?.payment, f.order?.address]) if (p) all.add(p);
  }
  return all;
}

/** The pseudonyms only the customer's events produced (not the shared address, network or browser). */
function onlyTheCustomers(customer: readonly VigilEvent[], others: readonly VigilEvent[]): Set<string> {
  const theirs = pseudonymsOf(others);
  return new Set([...pseudonymsOf(customer)].filter((p) => !theirs.has(p)));
}

describe('a raw scan of every table', () => {
  it("finds none of an erased customer's pseudonyms, but what the law keeps", async () => {
    // Prepare
    const s = await aStage();
    const customer = theCustomersEvents('C4000001');
    const neighbour = theNeighboursEvents();
    await s.consume([...customer, ...theCustomersInvalidRecords('C4000001'), ...neighbour]);
    const pseudonyms = onlyTheCustomers(customer, neighbour);
    const before = await s.holding(pseudonyms);
    const recordsBefore = s.openRecords();

    // Act
    await eraseSubject(s.rights, PRIVACY, 'C4000001');

    // Assess: the scan saw the customer everywhere before (under `__proto__` too), nowhere after
    const leftovers = (await s.holding(pseudonyms)).filter((found) => !sameAttributes(found));
    expect(before.filter((f) => f.table === 'profiles').length).toBeGreaterThan(8);
    expect(before.filter((f) => f.table === 'alerts').length).toBeGreaterThan(0);
    expect(before.filter((f) => f.table === 'deadLetters').length).toBeGreaterThan(0);
    expect(leftovers).toEqual([]);
    expect(recordsBefore.filter((r) => r.includes('C4000001'))).toHaveLength(2);
    expect(s.openRecords().filter((r) => r.includes('C4000001'))).toEqual([]);
    expect(await s.holding(pseudonymsOf(neighbour))).not.toEqual([]);
  });

  it("finds none of an objecting customer's pseudonyms in the profiles, but the marker and the receipt", async () => {
    // Prepare
    const s = await aStage();
    const customer = theCustomersEvents('C4000001');
    const neighbour = theNeighboursEvents();
    await s.consume([...customer, ...neighbour]);
    const pseudonyms = onlyTheCustomers(customer, neighbour);

    // Act
    await objectToProfiling(s.rights, PRIVACY, { customerId: 'C4000001', scope: 'profiling' });
    await s.consume([aLogin({ customerId: 'C4000001', deviceId: 'd-C4000001', occurredAt: at(30) })]);

    // Assess: the objection's scope is the stored signals (alerts already given are kept)
    const profiles = (await s.holding(pseudonyms)).filter((found) => found.table === 'profiles');
    expect(profiles.filter((found) => !sameAttributes(found))).toEqual([]);
    expect(profiles.map((found) => found.key.split('#')[0]).sort()).toEqual(['control', 'receipt']);
  });
});

/** Whether an item holds the pseudonyms only where what is kept is documented to hold them. */
function sameAttributes(found: { attributes: string[]; kept?: string }): boolean {
  return found.kept !== undefined && found.attributes.every((name) => name === found.kept);
}
