import './quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
