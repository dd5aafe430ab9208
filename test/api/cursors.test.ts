import './quiet.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog, MAX_AUDIT_QUERIES_PER_PAGE } from '../../src/shared/dynamo/audit.ts';
import { InvalidAuditCursorError } from '../../src/shared/ports/audit.ts';
import { DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { anAlert } from '../factories/api.ts';
import { type ApiHarness, startApi } from './support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** A cursor as a caller could write one: base64url JSON, the stores' own position format. */
const forged = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The client, counting its requests and failing past `max` (an unbounded loop fails, it does not hang). */
function countingClient(max: number): { client: DynamoDBDocumentClient; sent: () => number } {
  let sent = 0;
  const client = {
    send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      if (++sent > max) throw new Error(`more than ${max} requests`);
      return api.client.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent: () => sent };
}

describe('forged cursors are a 400 naming the cursor, never a 500 nor unbounded work', () => {
  it.each([
    ['an audit cursor far in the future', 'listAudit', '', { day: '2100-01-01' }],
    ['an audit cursor that is no day', 'listAudit', '', { day: 'zzzz' }],
    [
      "an alerts cursor with another partition's key",
      'listAlerts',
      'status=open&',
      {
        open: { at: 'after', key: { pk: 'x', gsi1pk: 'status#closed', gsi1sk: '2026-11-20T10:00:00.000Z' } },
      },
    ],
    [
      'an alerts cursor with an empty key',
      'listAlerts',
      'status=open&',
      { open: { at: 'after', key: { pk: '', gsi1pk: '', gsi1sk: '' } } },
    ],
  ] as const)('%s', async (_, route, filter, position) => {
    // Prepare
    const as = route === 'listAudit' ? 'admin' : 'analyst';

    // Act
    const answer = await api.call(route, { as, query: `${filter}cursor=${forged(position)}` });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'cursor',
      message: expect.stringMatching(/^cursor: not a cursor of this listing/),
    });
  });
});

describe('a cursor is bound to its listing and filter', () => {
  it('an alerts cursor works for its own filter only', async () => {
    // Prepare: three alerts of a window of their own, one per page
    const writer = new DynamoAlertWriter({ client: api.client, table: api.tables.alerts });
    const at = (m: number) => `2026-10-05T10:0${m}:00.000Z`;
    await writer.write([0, 1, 2].map((m) => anAlert({ occurredAt: at(m), score: 90 })));
    const range = `from=${at(0)}&to=${at(9)}`;
    const first = await api.call('listAlerts', { as: 'analyst', query: `${range}&minScore=80&limit=1` });
    const cursor = first.body.cursor as string;

    // Act
    const same = await api.call('listAlerts', {
      as: 'analyst',
      query: `${range}&minScore=80&limit=1&cursor=${cursor}`,
    });
    const otherFilter = await api.call('listAlerts', {
      as: 'analyst',
      query: `${range}&minScore=10&limit=1&cursor=${cursor}`,
    });
    const otherListing = await api.call('listAudit', { as: 'admin', query: `cursor=${cursor}` });

    // Assess
    expect(first.status).toBe(200);
    expect(same.status).toBe(200);
    expect(otherFilter.status).toBe(400);
    expect(otherFilter.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'cursor' });
    expect(otherListing.status).toBe(400);
    expect(otherListing.body.error).toMatchObject({ field: 'cursor' });
  });

  it('an audit cursor works for its own range only, and keeps the range of its first page', async () => {
    // Prepare: three reads to list, one per page
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await api.call('getAlert', { as: 'analyst', path: `/v1/alerts/bound-${i}` });
    const first = await api.call('listAudit', { as: 'admin', query: `from=${since}&limit=1` });
    const cursor = first.body.cursor as string;
    const earlier = new Date(Date.parse(since) - 3_600_000).toISOString();

    // Act
    const same = await api.call('listAudit', {
      as: 'admin',
      query: `from=${since}&limit=1&cursor=${cursor}`,
    });
    const otherRange = await api.call('listAudit', {
      as: 'admin',
      query: `from=${earlier}&limit=1&cursor=${cursor}`,
    });

    // Assess
    expect(same.status).toBe(200);
    expect(otherRange.status).toBe(400);
    expect(otherRange.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'cursor' });
  });
});

describe('DynamoAuditLog.list (the store checks its cursors too)', () => {
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
    const audit = new DynamoAuditLog({ client: counting.client, table: api.tables.audit });

    // Act
    const listing = audit.list(range, 10, forged(position));

    // Assess
    await expect(listing).rejects.toBeInstanceOf(InvalidAuditCursorError);
    expect(counting.sent()).toBe(0);
  });

  it('makes a bounded number of queries per page, and pages through a long empty range to its end', async () => {
    // Prepare: 100 days without an entry
    const counting = countingClient(1000);
    const audit = new DynamoAuditLog({ client: counting.client, table: api.tables.audit });
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
