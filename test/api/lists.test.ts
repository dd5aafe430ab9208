import './quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRecentOrder } from '../factories/api.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { type ApiHarness, startApi } from './support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

const pseudonymiser = testPseudonymiser();
const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

/** The body of a deny entry on an address, given by raw value, for a week. */
const aDenyBody = (value: string, overrides: Record<string, unknown> = {}) => ({
  list: 'deny',
  kind: 'ip',
  value,
  reason: 'stuffing wave, ticket SEC-4411',
  expiresAt: inDays(7),
  ...overrides,
});

describe('POST /v1/lists/entries', () => {
  it('pseudonymises a raw value at once: the answer, the stored entry and the audit entry hold only the pseudonym', async () => {
    // Prepare
    const body = aDenyBody('198.51.100.23');

    // Act
    const answer = await api.call('addEntry', { as: 'analyst', body });

    // Assess
    const entity = pseudonymiser.of('ip', '198.51.100.23');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ entryId: `deny.ip.${entity}`, entity, createdBy: 'local:analyst' });
    const stored = JSON.stringify(await api.scan('lists'));
    const audit = (await api.scan('audit')).filter((e) => e.action === 'lists.add');
    expect(JSON.stringify(answer.body) + stored + JSON.stringify(audit)).not.toContain('198.51.100.23');
    expect(audit).toEqual([
      expect.objectContaining({ target: `deny.ip.${entity}`, role: 'analyst', principalId: 'local:analyst' }),
    ]);
    expect(JSON.stringify(audit)).not.toContain('SEC-4411');
  });

  it.each([
    ['both entity and value', { entity: pseudonymiser.of('ip', '192.0.2.1') }, 'entity'],
    ['a value that is no address', { value: 'secret-looking text' }, 'value'],
    ['an expiry in the past', { expiresAt: inDays(-1) }, 'expiresAt'],
    ['an expiry past 365 days', { expiresAt: inDays(366) }, 'expiresAt'],
    ['an empty reason', { reason: '  ' }, 'reason'],
    ['an unknown kind', { kind: 'client' }, 'kind'],
  ])('answers 400 for %s, naming the field and quoting no value', async (_, overrides, field) => {
    // Prepare
    const body = aDenyBody('192.0.2.1', overrides);

    // Act
    const answer = await api.call('addEntry', { as: 'admin', body });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ field });
    expect(JSON.stringify(answer.body)).not.toMatch(/192\.0\.2\.1|secret-looking/);
  });
});

describe('GET /v1/lists/entries', () => {
  it('lists the entries of a list and kind page by page, newest first, audited', async () => {
    // Prepare
    for (const n of [1, 2, 3]) {
      await api.call('addEntry', {
        as: 'analyst',
        body: aDenyBody(`ADDR-${n}`, { kind: 'address', list: 'allow' }),
      });
    }

    // Act
    const first = await api.call('listEntries', { as: 'analyst', query: 'list=allow&kind=address&limit=2' });
    const cursor = encodeURIComponent(first.body.cursor as string);
    const second = await api.call('listEntries', {
      as: 'analyst',
      query: `list=allow&kind=address&limit=2&cursor=${cursor}`,
    });
    const otherFilter = await api.call('listEntries', { as: 'analyst', query: `list=deny&cursor=${cursor}` });

    // Assess
    const entities = [
      ...(first.body.entries as { entity: string }[]),
      ...(second.body.entries as { entity: string }[]),
    ].map((e) => e.entity);
    expect(entities).toEqual([3, 2, 1].map((n) => pseudonymiser.of('address', `ADDR-${n}`)));
    expect(otherFilter.status).toBe(400);
    const audit = (await api.scan('audit')).filter((e) => e.action === 'lists.list');
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });
});

describe('DELETE /v1/lists/entries/{entryId}', () => {
  it('removes an entry before its expiry, audited, and answers 404 the second time', async () => {
    // Prepare
    const added = await api.call('addEntry', { as: 'analyst', body: aDenyBody('203.0.113.50') });
    const path = `/v1/lists/entries/${added.body.entryId as string}`;

    // Act
    const removed = await api.call('removeEntry', { as: 'admin', path });
    const again = await api.call('removeEntry', { as: 'admin', path });

    // Assess
    expect(removed.status).toBe(200);
    expect(removed.body.entryId).toBe(added.body.entryId);
    expect(again.status).toBe(404);
    const audit = (await api.scan('audit')).filter((e) => e.action === 'lists.remove');
    expect(audit.map((e) => e.target)).toEqual([added.body.entryId, added.body.entryId]);
  });
});

describe('the score endpoint and the lists', () => {
  it('denies an order from a device an analyst put on the deny list, naming the entry', async () => {
    // Prepare
    await api.call('addEntry', {
      as: 'analyst',
      body: aDenyBody('dev-mule-77', { kind: 'device' }),
    });

    // Act
    const answer = await api.call('scoreOrder', {
      as: 'order-flow',
      body: aRecentOrder({ deviceId: 'dev-mule-77' }),
    });

    // Assess
    expect(answer.body).toMatchObject({ decision: 'deny', score: 100 });
    expect(answer.body.reasons).toContainEqual(
      expect.objectContaining({
        code: 'ENTITY_DENIED',
        evidence: expect.objectContaining({ entity: pseudonymiser.of('device', 'dev-mule-77') }),
      }),
    );
  });
});
