/**
 * The dead letters' DynamoDB adapter on dynalite, with a folder as the record store: the writer
 * puts the full sealed record beside a bounded item, the reader finds both, expiry hides a letter
 * and a removal takes both away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderBlobStore } from '../../../src/shared/blobs.ts';
import { DynamoDeadLetterWriter, DynamoDeadLetters } from '../../../src/shared/dynamo/dead-letters.ts';
import { DEAD_LETTER_RETENTION_DAYS, type DeadLetter } from '../../../src/shared/ports/dead-letters.ts';
import { useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('dl');
const recordsRoot = mkdtempSync(join(tmpdir(), 'vigil-dl-adapter-'));
afterAll(() => rmSync(recordsRoot, { recursive: true, force: true }));

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const DAY_MS = 86_400_000;

const aDeadLetter = (sha256: string, sealed?: string, arrivedAt = T0): DeadLetter => ({
  sha256,
  reason: 'order.amountMinor: expected integer ≥ 0',
  field: 'order.amountMinor',
  sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  size: 120,
  arrivedAt,
  ...(sealed === undefined ? {} : { sealed }),
});

/** The writer and the reader on a dead-letter table and a record folder of their own, at `now`. */
async function deadLetters(now: () => number) {
  const table = (await dynalite.newTables()).deadLetters;
  const client = dynalite.local.client();
  const records = new FolderBlobStore(mkdtempSync(join(recordsRoot, 'records-')));
  return {
    writer: new DynamoDeadLetterWriter({ client, table, records, now }),
    letters: new DynamoDeadLetters({ client, table, records, now }),
  };
}

describe('DynamoDeadLetterWriter and DynamoDeadLetters', () => {
  it('keeps the full sealed record in the record store and an item that names it', async () => {
    // Prepare
    const { writer, letters } = await deadLetters(() => T0);

    // Act: the same record twice, as a redelivered batch writes it
    await writer.write([aDeadLetter('a1', 'v1:sealed-a1')]);
    await writer.write([aDeadLetter('a1', 'v1:sealed-a1'), aDeadLetter('b2', undefined, T0 + 1_000)]);

    // Assess
    const listed = await letters.list();
    expect(listed.map((l) => l.sha256)).toEqual(['a1', 'b2']);
    const [withRecord] = listed;
    expect(withRecord).not.toHaveProperty('sealed');
    expect(await letters.sealedRecord(withRecord!)).toBe('v1:sealed-a1');
    expect(await letters.sealedRecord(listed[1]!)).toBeUndefined();
  });

  it('hides a dead letter once its retention is over', async () => {
    // Prepare
    let now = T0;
    const { writer, letters } = await deadLetters(() => now);
    await writer.write([aDeadLetter('a1')]);

    // Act
    now = T0 + (DEAD_LETTER_RETENTION_DAYS + 1) * DAY_MS;

    // Assess
    expect(await letters.list()).toEqual([]);
    expect(await letters.get('a1')).toBeUndefined();
  });

  it('removes a dead letter with its sealed record', async () => {
    // Prepare
    const { writer, letters } = await deadLetters(() => T0);
    await writer.write([aDeadLetter('a1', 'v1:sealed-a1')]);
    const [letter] = await letters.list();

    // Act
    await letters.remove([letter!]);

    // Assess
    expect(await letters.get('a1')).toBeUndefined();
    expect(await letters.sealedRecord(letter!)).toBeUndefined();
  });
});
