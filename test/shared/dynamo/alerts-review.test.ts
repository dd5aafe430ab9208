/**
 * The DynamoDB alert store on dynalite: the listing over the write shards of each status
 * partition, dispositions keeping the shard, and cursors checked before any request.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoAlertRepository } from '../../../src/shared/dynamo/alerts-review.ts';
import { type AlertFilter, InvalidCursorError, type Alert } from '../../../src/shared/ports/alerts.ts';
import {
  ALERT_STATUS_SHARDS,
  statusPartitionOf,
  statusShard,
  DynamoAlertWriter,
} from '../../../src/shared/dynamo/alerts.ts';
import type { DynamoClient } from '../../../src/shared/aws.ts';
import { anAlert } from '../../factories/api.ts';
import { countCommands, useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('a');

/** A repository and the pipeline's writer on an alerts table of their own. */
async function aStore(): Promise<{
  alerts: DynamoAlertRepository;
  writer: DynamoAlertWriter;
  client: DynamoClient;
  table: string;
}> {
  const table = (await dynalite.newTables()).alerts;
  const client = dynalite.local.client();
  return {
    alerts: new DynamoAlertRepository({ client, table }),
    writer: new DynamoAlertWriter({ client, table }),
    client,
    table,
  };
}

/** The event time of the i-th alert: one second apart. */
const second = (i: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + i * 1000).toISOString();

/** Every page of a listing, following the cursor (at most 100 pages). */
async function allPages(alerts: DynamoAlertRepository, filter: AlertFilter, limit: number) {
  const listed: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await alerts.list(filter, limit, cursor);
    listed.push(...page.alerts.map((a) => a.alertId));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 100);
  return { listed, pages };
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('DynamoAlertRepository listing over write shards', () => {
  it('lists every alert of every shard newest first, page by page, each once', async () => {
    // Prepare: 150 alerts over the shards, every third closed
    const { alerts, writer } = await aStore();
    const written: Alert[] = Array.from({ length: 150 }, (_, i) => anAlert({ occurredAt: second(i) }));
    await writer.write(written);
    const closed = written.filter((_, i) => i % 3 === 0);
    for (const a of closed)
      await alerts.dispose(a.alertId, { verdict: 'fraud', note: '', by: 'analyst', at: second(200) });
    const newestFirst = written.map((a) => a.alertId).reverse();
    const closedIds = new Set(closed.map((a) => a.alertId));

    // Act
    const all = await allPages(alerts, {}, 7);
    const open = await allPages(alerts, { status: 'open' }, 25);
    const window = await allPages(alerts, { status: 'closed', from: second(30), to: second(89) }, 4);

    // Assess
    expect(new Set(written.map((a) => statusShard(a.alertId))).size).toBeGreaterThan(ALERT_STATUS_SHARDS / 2);
    expect(all.listed).toEqual(newestFirst);
    expect(all.pages).toBe(Math.ceil(150 / 7));
    expect(open.listed).toEqual(newestFirst.filter((id) => !closedIds.has(id)));
    expect(window.listed).toEqual(
      written
        .slice(30, 90)
        .filter((a) => closedIds.has(a.alertId))
        .map((a) => a.alertId)
        .reverse(),
    );
  });

  it('pages any mix of times, ties and statuses completely, newest first, each alert once', async () => {
    // Prepare: a store; each generated case writes its alerts (many on the same second, some closed) in a window of its own
    const { alerts, writer } = await aStore();
    let round = 0;
    const run = fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat(20), closed: fc.boolean() }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom<AlertFilter['status']>(undefined, 'open', 'closed'),
      async (specs, limit, status) => {
        // Prepare
        const from = second(++round * 100);
        const written = specs.map((spec) => ({
          ...spec,
          alert: anAlert({ occurredAt: second(round * 100 + spec.at) }),
        }));
        await writer.write(written.map((w) => w.alert));
        for (const w of written.filter((w) => w.closed)) {
          await alerts.dispose(w.alert.alertId, { verdict: 'fraud', note: '', by: 'analyst', at: from });
        }

        // Act
        const { listed } = await allPages(alerts, { status, from, to: second(round * 100 + 99) }, limit);

        // Assess
        const expected = written.filter((w) => status === undefined || (status === 'closed') === w.closed);
        expect([...listed].sort()).toEqual(expected.map((w) => w.alert.alertId).sort());
        const times = listed.map((id) => written.find((w) => w.alert.alertId === id)!.alert.occurredAt);
        expect(times).toEqual([...times].sort().reverse());
      },
    );

    // Act, Assess: every case
    await fc.assert(run, { numRuns: 12 });
  }, 120_000);

  it('keeps an alert in its shard when it is disposed of', async () => {
    // Prepare
    const { alerts, writer, client, table } = await aStore();
    const [alert] = await (async (a: Alert[]) => (await writer.write(a), a))([anAlert()]);

    // Act
    await alerts.dispose(alert!.alertId, { verdict: 'legitimate', note: '', by: 'analyst', at: second(1) });

    // Assess
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: alert!.alertId } }));
    expect(Item?.gsi1pk).toBe(statusPartitionOf('closed', alert!.alertId));
    expect(Item?.gsi1pk).toBe(`status#closed#${statusShard(alert!.alertId)}`);
  });
});

describe('DynamoAlertRepository cursors', () => {
  const start = Array.from({ length: ALERT_STATUS_SHARDS }, () => 's');
  const alertId = 'ev-cursor-1';
  const shard = statusShard(alertId);
  const after = (id: string, at: string, at_shard = shard) =>
    start.map((p, i) => (i === at_shard ? [id, at] : p));
  const otherShard = (shard + 1) % ALERT_STATUS_SHARDS;

  it.each([
    ['not base64 JSON', 'bm90IGEgY3Vyc29y'],
    ['an empty object', cursorOf({})],
    ['an empty list of positions', cursorOf({ open: [] })],
    ['one shard missing', cursorOf({ open: start.slice(1) })],
    ['one shard too many', cursorOf({ open: [...start, 's'] })],
    ['a status the filter does not ask for', cursorOf({ open: start, closed: start })],
    ['an unknown key', cursorOf({ open: start, other: start })],
    ['an item of another shard', cursorOf({ open: after(alertId, second(1), otherShard) })],
    ['an item outside the time range', cursorOf({ open: after(alertId, '2100-01-01T00:00:00.000Z') })],
    ['an empty alert id', cursorOf({ open: after('', second(1), statusShard('')) })],
    ['a time that is no event time', cursorOf({ open: after(alertId, 'zzzz') })],
    [
      'a key of another status partition, in the old shape',
      cursorOf({ open: { at: 'after', key: { pk: alertId, gsi1pk: 'status#closed', gsi1sk: second(1) } } }),
    ],
    ['an empty key, in the old shape', cursorOf({ open: { at: 'after', key: {} } })],
  ])('refuses %s with InvalidCursorError before any request', async (_, cursor) => {
    // Prepare
    const { alerts, client } = await aStore();
    const counter = countCommands(client);

    // Act
    const listing = alerts.list({ status: 'open', from: second(0), to: second(100) }, 10, cursor);

    // Assess
    await expect(listing).rejects.toBeInstanceOf(InvalidCursorError);
    expect(counter.take()).toEqual({});
  });

  it('takes back the cursors it hands out', async () => {
    // Prepare
    const { alerts, writer } = await aStore();
    await writer.write([anAlert({ alertId, occurredAt: second(1) }), anAlert({ occurredAt: second(2) })]);

    // Act
    const filter: AlertFilter = { status: 'open', from: second(0), to: second(100) };
    const first = await alerts.list(filter, 1);
    const next = await alerts.list(filter, 1, first.cursor);
    const last = await alerts.list(filter, 1, next.cursor);

    // Assess: the shard that gave the last alert may only learn that it is done on the page after
    expect(next.alerts.map((a) => a.alertId)).toEqual([alertId]);
    expect(last).toEqual({ alerts: [] });
  });
});
