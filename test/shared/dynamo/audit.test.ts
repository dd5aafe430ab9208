/** The audit trail's DynamoDB adapter on dynalite: appended entries listed back, cursors checked. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAuditLog, MAX_AUDIT_QUERIES_PER_PAGE } from '../../../src/shared/dynamo/audit.ts';
import { InvalidAuditCursorError } from '../../../src/shared/ports/audit.ts';
import { useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('au');

/** A cursor as a caller could write one: base64url JSON, the store's own position format. */
const forged = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The client, counting its requests and failing past `max` (an unbounded loop fails, it does not hang). */
function countingClient(max: number): { client: DynamoDBDocumentClient; sent: () => number } {
  let sent = 0;
  const local = dynalite.local.client();
  const client = {
    send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      if (++sent > max) throw new Error(`more than ${max} requests`);
      return local.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent: () => sent };
}

describe('DynamoAuditLog', () => {
  it("lists what was appended, newest first, without the table's own attributes", async () => {
    // Prepare
    let now = Date.parse('2026-11-20T10:00:00.000Z');
    const audit = new DynamoAuditLog({
      client: dynalite.local.client(),
      table: (await dynalite.newTables()).audit,
      now: () => now,
    });
    const first = await audit.append({
      principalId: 'analyst:anna',
      role: 'analyst',
      action: 'alert.read',
      target: 'ev-1',
    });
    now += 86_400_000;
    const second = await audit.append({ principalId: 'admin:bo', role: 'admin', action: 'alerts.list' });

    // Act
    const page = await audit.list({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T23:59:59.999Z' }, 10);

    // Assess
    expect(page).toEqual({ entries: [second, first] });
  });
});

describe('DynamoAuditLog.list by principal', () => {
  it('answers only the entries whose principal contains the text, newest first, across days', async () => {
    // Prepare
    let now = Date.parse('2026-11-20T10:00:00.000Z');
    const audit = new DynamoAuditLog({
      client: dynalite.local.client(),
      table: (await dynalite.newTables()).audit,
      now: () => now,
    });
    const appended = [];
    for (const principalId of ['analyst:anna', 'analyst:bo', 'admin:anna-lise', 'analyst:bo']) {
      appended.push(await audit.append({ principalId, role: 'analyst', action: 'alert.read' }));
      now += 43_200_000;
    }
    const range = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T23:59:59.999Z' };

    // Act
    const anna = await audit.list({ ...range, principal: 'anna' }, 10);
    const bo = await audit.list({ ...range, principal: 'analyst:bo' }, 1);

    // Assess
    expect(anna).toEqual({ entries: [appended[2], appended[0]] });
    expect(bo.entries).toEqual([appended[3]]);
    expect(bo.cursor).toBeDefined();
    expect((await audit.list({ ...range, principal: 'analyst:bo' }, 1, bo.cursor)).entries).toEqual([
      appended[1],
    ]);
  });
});

describe('DynamoAuditLog.list checks its cursors', () => {
  const range = { from: '2025-01-01T00:00:00.000Z', to: '2025-04-10T23:59:59.999Z' };

  it.each([
    ['a day after the range', { day: '2100-01-01' }],
    ['a day before the range', { day: '2024-12-31' }],
    ['no day', { day: 'zzzz' }],
    ['an entry key of another day', { day: '2025-06-01', sk: '2025-06-02T00:00:00.000Z#e' }],
    ['an entry key outside the range', { day: '2025-04-10', sk: '2025-04-10T23:59:59.999Z~' }],
  ])('refuses a cursor with %s, before any query', async (_, position) => {
    // Prepare
    const counting = countingClient(100);
    const audit = new DynamoAuditLog({ client: counting.client, table: (await dynalite.newTables()).audit });

    // Act
    const listing = audit.list(range, 10, forged(position));

    // Assess
    await expect(listing).rejects.toBeInstanceOf(InvalidAuditCursorError);
    expect(counting.sent()).toBe(0);
  });

  it('makes a bounded number of queries per page, and pages through a long empty range to its end', async () => {
    // Prepare: 100 days without an entry
    const counting = countingClient(1000);
    const audit = new DynamoAuditLog({ client: counting.client, table: (await dynalite.newTables()).audit });
    const perPage: number[] = [];

    // Act
    let cursor: string | undefined;
    do {
      const before = counting.sent();
      const page = await audit.list(range, 10, cursor);
      perPage.push(counting.sent() - before);
      expect(page.entries).toEqual([]);
      cursor = page.cursor;
    } while (cursor !== undefined && perPage.length < 50);

    // Assess
    expect(Math.max(...perPage)).toBeLessThanOrEqual(MAX_AUDIT_QUERIES_PER_PAGE);
    expect(perPage.reduce((a, b) => a + b)).toBe(100);
    expect(cursor).toBeUndefined();
  });
});
