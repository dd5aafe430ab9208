/** The customers' rights over the analysts' list entries on them: access shows them, erasure removes them. */
import { describe, expect, it } from 'vitest';
import { SubjectRights } from '../../src/rights/subject-rights.ts';
import { DynamoSubjectAlerts } from '../../src/shared/dynamo/alerts.ts';
import { DynamoDeadLetters } from '../../src/shared/dynamo/dead-letters.ts';
import { DynamoEntityLists } from '../../src/shared/dynamo/entity-lists.ts';
import { DynamoReceiptStore } from '../../src/shared/dynamo/receipts.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { LISTS_NOW, aListEntry } from '../factories/lists.ts';
import { testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { dynamoStores } from '../factories/stores.ts';
import { useDynalite } from '../support/local-dynamo.ts';

const dynalite = useDynalite('rl');
const pseudonymiser = testPseudonymiser();

/** The rights service on a fresh stage's tables, with entries on two customers and on an address. */
async function aStage() {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  const now = () => LISTS_NOW;
  const { profiles, subjects } = dynamoStores(client, tables, { now });
  const lists = new DynamoEntityLists({ client, table: tables.lists });
  const rights = new SubjectRights({
    store: subjects,
    profiles,
    receipts: new DynamoReceiptStore({ client, table: tables.profiles }),
    alerts: new DynamoSubjectAlerts({ client, table: tables.alerts }),
    deadLetters: new DynamoDeadLetters({
      client,
      table: tables.deadLetters,
      sealer: new RecordSealer(testKey()),
      now,
    }),
    pseudonymiser,
    lists,
    now,
  });
  const anna = pseudonymiser.of('subject', 'C1000231');
  const other = pseudonymiser.of('subject', 'C2000462');
  const entries = [
    aListEntry({ list: 'allow', kind: 'subject', entity: anna, reason: 'verified by phone' }),
    aListEntry({ list: 'deny', kind: 'subject', entity: anna }),
    aListEntry({ list: 'deny', kind: 'subject', entity: other }),
    aListEntry({ list: 'deny', kind: 'ip', entity: pseudonymiser.of('ip', '192.0.2.7') }),
  ];
  for (const entry of entries) await lists.put(entry);
  return { rights, lists, entries };
}

describe('rights over list entries', () => {
  it("shows the customer's entries with their reasons, without who made them", async () => {
    // Prepare
    const { rights } = await aStage();

    // Act
    const exported = await rights.export('C1000231');

    // Assess
    expect(exported.listEntries).toHaveLength(2);
    expect(exported.listEntries).toContainEqual(
      expect.objectContaining({ list: 'allow', reason: 'verified by phone' }),
    );
    expect(JSON.stringify(exported.listEntries)).not.toContain('analyst:');
  });

  it("removes the customer's entries on erasure, and no one else's", async () => {
    // Prepare
    const { rights, lists, entries } = await aStage();

    // Act
    const receipt = await rights.erase('C1000231');

    // Assess
    expect(receipt.listEntries).toBe(2);
    const left = await lists.list({}, LISTS_NOW, 10);
    expect(left.entries).toEqual(expect.arrayContaining(entries.slice(2)));
    expect(left.entries).toHaveLength(2);
  });
});
