/**
 * An injected fault: the real local stack (`vigil start`, persistence on) SIGKILLed in the middle
 * of a stream, then started again on the same folder. Every event Kinesis acknowledged is decided
 * exactly once: none lost (records put but not consumed, batches in flight), none counted twice
 * (the batch in flight at the kill comes again), and the restart resumes at the poller's
 * checkpoint instead of the stream's start. The kill point is chosen by observing state (a
 * checkpoint written), and every wait polls state with a bounded number of tries.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalStackInfo } from '../../src/local/stack.ts';
import { dynamoClient } from '../../src/shared/aws.ts';
import type { LoginEvent } from '../../src/shared/contract/events.ts';
import { kinesisClient, putRecordsAll } from '../../src/shared/kinesis.ts';
import { aFailedLogin, aLogin, toLine } from '../factories/events.ts';
import { killStackProcesses, type StackProcess, poll, startStackProcess } from './stack-process.ts';
import { testKey } from './support.ts';

type Item = Record<string, unknown>;

const EVENTS = 400;
const CUSTOMERS = 12;
const CHUNK = 20;
const env = { VIGIL_PSEUDONYM_KEY: testKey('kill-restart') };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
});
afterEach(killStackProcesses);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Logins of several customers over the last minutes, every third one failed (alerts follow). */
function stream(): LoginEvent[] {
  const start = Date.now() - 600_000;
  return Array.from({ length: EVENTS }, (_, i) => {
    const c = (i % CUSTOMERS) + 1;
    const fields = {
      eventId: `kr-${String(i).padStart(4, '0')}`,
      customerId: `C40000${String(c).padStart(2, '0')}`,
      ip: `145.53.12.${c}`,
      occurredAt: new Date(start + i * 1000).toISOString(),
    };
    return i % 3 === 0 ? aFailedLogin('bad_password', fields) : aLogin(fields);
  });
}

/** Puts the events to the stack's stream; resolves once Kinesis acknowledged every one. */
async function put(stack: StackProcess, events: LoginEvent[]): Promise<void> {
  const { endpoint, region, streamName } = stack.info.kinesis;
  const client = kinesisClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    const records = events.map((e) => ({ partitionKey: e.customerId!, data: Buffer.from(toLine(e)) }));
    const sent = await putRecordsAll(client, streamName, records);
    expect(sent.failed).toBe(0);
  } finally {
    client.destroy();
  }
}

async function scan(info: LocalStackInfo, table: string): Promise<Item[]> {
  const { endpoint, region } = info.dynamodb;
  const client = dynamoClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const items: Item[] = [];
  try {
    for await (const page of paginateScan({ client }, { TableName: table }))
      items.push(...(page.Items ?? []));
  } finally {
    client.destroy();
  }
  return items;
}

/** How often each value occurs. */
function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('local stack: SIGKILL in the middle of a stream, then a restart on the same folder', () => {
  it('decides every acknowledged event exactly once and resumes at the checkpoint', async () => {
    // Prepare
    const cwd = mkdtempSync(join(dir, 'stack-'));
    const events = stream();
    const chunks = Array.from({ length: EVENTS / CHUNK }, (_, i) => events.slice(i * CHUNK, (i + 1) * CHUNK));
    const first = await startStackProcess(cwd, [], env);
    let next = 0;
    while (next < chunks.length / 2) await put(first, chunks[next++]!);
    // Some batches consumed and checkpointed: the poller's position file names a shard.
    const file = join(cwd, '.vigil', 'checkpoints', `${first.info.kinesis.streamName}.json`);
    const positions = await poll(
      async () => (existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object) : []),
      (shards) => shards.length > 0,
    );
    expect(positions.length).toBeGreaterThan(0);
    // One more chunk acknowledged by Kinesis, and killed at once: records not read yet, or in flight.
    await put(first, chunks[next++]!);
    const killed = await first.stop('SIGKILL');
    const sentToFirst = next * CHUNK;

    // Act
    const second = await startStackProcess(cwd, [], env);
    while (next < chunks.length) await put(second, chunks[next++]!);
    const { tables } = second.info.dynamodb;
    // Drained: every event decided (or the tries ran out, and the assertions say what is missing).
    const decisions = await poll(
      () => scan(second.info, tables.decisions),
      (items) => items.length >= EVENTS,
    );
    const [alerts, profiles] = await Promise.all([
      scan(second.info, tables.alerts),
      scan(second.info, tables.profiles),
    ]);
    const stopped = await second.stop('SIGTERM');

    // Assess
    expect(killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stopped).toEqual({ code: 0, signal: null });
    const ids = events.map((e) => e.eventId).sort();
    // Decisions: one per event, none missing, none extra.
    expect(decisions.map((d) => String(d.pk)).sort()).toEqual(ids);
    // Alerts: only of these events, at most one each.
    const alerted = tally(alerts.map((a) => String(a.pk)));
    expect([...alerted.keys()].every((id) => ids.includes(id))).toBe(true);
    expect([...alerted.values()].every((n) => n === 1)).toBe(true);
    expect(alerted.size).toBeGreaterThan(0);
    // Observations: each event once in its customer's profile.
    const observed = tally(
      profiles
        .filter((p) => String(p.pk).startsWith('subject#'))
        .flatMap((p) => Object.keys((p.obs ?? {}) as object)),
    );
    expect([...observed.keys()].sort()).toEqual(ids);
    expect([...observed.values()].every((n) => n === 1)).toBe(true);
    // The shop-wide login counters: every login counted once, the redelivered ones not again.
    const buckets = profiles.filter((p) => String(p.pk).startsWith('global#'));
    const sum = (name: string) => buckets.reduce((n, b) => n + ((b[name] as number | undefined) ?? 0), 0);
    expect(sum('logins')).toBe(EVENTS);
    expect(sum('failures')).toBe(events.filter((e) => e.login.outcome === 'failure').length);
    // The restart resumed at the checkpoint: it consumed what the first stack had not finished
    // and what came after, not the stream from its start.
    const consumed = Number(/consumed ([\d,]+) records/.exec(second.stderr())![1]!.replaceAll(',', ''));
    expect(consumed).toBeGreaterThanOrEqual(EVENTS - sentToFirst);
    expect(consumed).toBeLessThan(EVENTS);
  }, 240_000);
});
