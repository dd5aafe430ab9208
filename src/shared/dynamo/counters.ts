import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pRetry from 'p-retry';
import { TTL_ATTRIBUTE } from '../tables.ts';
import type { GlobalBucket, ProfileWrite } from '../profile.ts';
import { GLOBAL_BUCKETS, GLOBAL_BUCKET_MS, bucketStart } from '../ports/profiles.ts';
import { browseCounts } from '../browse-waves.ts';
import { waveCounts } from '../login-waves.ts';
import { type Item, ignoringConditionFailure } from './updates.ts';

/** How long global buckets are kept: the retention of the counters (a week) plus a day. */
const GLOBAL_TTL_S = 8 * 86_400;
const GLOBAL_PREFIX = 'global#';
const COUNTRY_PREFIX = 'country:';
/** The wave and browse counters (src/shared/login-waves.ts, browse-waves.ts): `w:<name>`. */
const WAVE_PREFIX = 'w:';
/** A shard's high-water mark: `hw#<shard id>` = the highest sequence number it counted (a string). */
const MARK_PREFIX = 'hw#';
/**
 * What items written before the marks carried: a ledger of counted ids per five minutes and a
 * version. Reads ignore them; the first write of a shard into such an item removes them.
 */
const LEGACY = /^(applied#|v$)/;
/**
 * Conditional rounds before giving up. A round fails only when the shard's own mark moved since
 * it was read: a stale cached read, or a redelivery of the shard racing a slow attempt.
 */
const MAX_ROUNDS = 5;
/** Hour items cached at most; beyond it the cache starts over. */
const CACHED_MAX = 4 * GLOBAL_BUCKETS;

export const globalPk = (start: number): string => `${GLOBAL_PREFIX}${start}`;

/**
 * A login or a page view, its event time and the sequence number of its record (0 for a write
 * without a stream position).
 */
interface Counted extends Pick<ProfileWrite, 'login' | 'browse'> {
  at: number;
  sequence: bigint;
}

const countedOf = ({ sequence: _, ...counted }: Counted): Omit<Counted, 'sequence'> => counted;

/** The logins and page views of one hour from one shard, or (no shard) from a caller that is not a stream. */
interface Group {
  start: number;
  shard: string | undefined;
  /** By eventId: the same event twice in one call counts once. */
  events: Map<string, Counted>;
}

/** What was last read of a bucket item: the shards' marks, and the legacy attributes it holds. */
interface BucketState {
  marks: Map<string, string>;
  legacy: string[];
}

/** A stored bucket item as the port's GlobalBucket (the marks and any legacy attributes left out). */
function toBucket(start: number, item: Item): GlobalBucket {
  const countries: Record<string, number> = {};
  const waves: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(COUNTRY_PREFIX)) countries[name.slice(COUNTRY_PREFIX.length)] = value as number;
    else if (name.startsWith(WAVE_PREFIX)) waves[name.slice(WAVE_PREFIX.length)] = value as number;
  }
  const n = (name: string) => (item[name] as number | undefined) ?? 0;
  return {
    start,
    logins: n('logins'),
    failures: n('failures'),
    unknownUserFailures: n('unknownUserFailures'),
    locatedSuccesses: n('locatedSuccesses'),
    countries,
    ...(Object.keys(waves).length > 0 ? { waves } : {}),
  };
}

/**
 * The shop-wide login and browse counters on DynamoDB: one item per hour of event time in the profiles table
 * (`pk` = `global#<start ms>`), read with the profiles by the profile adapter's load and counted
 * exactly once per stream record by a high-water mark per shard (see docs/storage.md, "Counted
 * once"). Past hours are served from memory for `cacheMs`; the current hour is read with every
 * load, and that read also gives the marks the next count needs.
 *
 * @example
 * ```ts
 * const counters = new GlobalCounters({ client, table: tables.profiles });
 * const starts = counters.toRead(at, now);          // then read their items with the profiles
 * const buckets = counters.week(at, now, starts, itemsByPk);
 * await counters.add(writes);                       // counts each positioned login and page view once
 * ```
 */
export class GlobalCounters {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #cacheMs: number;
  /** Hour buckets by start (ms): the bucket (undefined when none was stored) and when it was read. */
  readonly #cached = new Map<number, { bucket: GlobalBucket | undefined; readAt: number }>();
  readonly #states = new Map<number, BucketState>();

  /** @param options.cacheMs how long past (closed) hours are served from memory. Default 5 minutes. */
  constructor(options: { client: DynamoDBDocumentClient; table: string; cacheMs?: number }) {
    this.#client = options.client;
    this.#table = options.table;
    this.#cacheMs = options.cacheMs ?? 5 * 60_000;
  }

  /** The hours a load as of `at` must read at `now` (processing time): the current one, and past ones not cached. */
  toRead(at: number, now: number): number[] {
    if (this.#cached.size > CACHED_MAX) this.#cached.clear();
    const current = bucketStart(at);
    return weekOf(at).filter((start) => {
      const cached = this.#cached.get(start);
      return start === current || !cached || now - cached.readAt > this.#cacheMs;
    });
  }

  /**
   * Takes in what a load read of the hours `read` (the items by pk; a missing one has no count)
   * and returns the week's buckets up to `at`, oldest first.
   */
  week(at: number, now: number, read: readonly number[], byPk: ReadonlyMap<string, Item>): GlobalBucket[] {
    const current = bucketStart(at);
    for (const start of read) {
      const item = byPk.get(globalPk(start));
      this.#cached.set(start, { bucket: item && toBucket(start, item), readAt: now });
      if (start === current) this.observe(start, item);
    }
    return weekOf(at).flatMap((start) => this.#cached.get(start)?.bucket ?? []);
  }

  /** Remembers what a read of a bucket item found (undefined: no item). */
  observe(start: number, item: Item | undefined): void {
    if (this.#states.size > 64) this.#states.clear();
    this.#states.set(start, stateOf(item));
  }

  /**
   * Adds the logins and page views among these writes to their hour buckets, each positioned one
   * at most once: one UpdateItem per hour and shard, however many events the writes hold.
   */
  async add(writes: readonly ProfileWrite[]): Promise<void> {
    const groups = new Map<string, Group>();
    for (const { observation, login, browse, position } of writes) {
      if (!login && !browse) continue;
      const start = bucketStart(observation.at);
      const id = `${start}:${position?.shard ?? ''}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { start, shard: position?.shard, events: new Map() }));
      group.events.set(observation.eventId, {
        ...(login ? { login } : {}),
        ...(browse ? { browse } : {}),
        at: observation.at,
        sequence: BigInt(position?.sequence ?? 0),
      });
    }
    await Promise.all(
      [...groups.values()].map(({ start, shard, events }) => {
        const counted = [...events.values()];
        if (shard !== undefined) return this.#addFromShard(start, shard, counted);
        return this.#update(start, counted.map(countedOf));
      }),
    );
  }

  /**
   * Adds the events above the shard's mark and moves the mark, re-reading while it moved
   * meanwhile (no pause: a round fails only on a redelivery of the same shard, not under load).
   */
  async #addFromShard(start: number, shard: string, events: Counted[]): Promise<void> {
    await pRetry(
      async (round) => {
        const state = (round === 1 && this.#states.get(start)) || (await this.#read(start));
        const read = state.marks.get(shard);
        const mark = read === undefined ? -1n : BigInt(read);
        const fresh = events.filter((c) => c.sequence > mark);
        if (fresh.length === 0) return;
        const max = String(fresh.reduce((m, c) => (c.sequence > m ? c.sequence : m), mark));
        if (!(await this.#update(start, fresh.map(countedOf), { shard, read, max, legacy: state.legacy }))) {
          throw new MarkMoved(
            `global counters ${globalPk(start)}: mark still moving after ${MAX_ROUNDS} rounds`,
          );
        }
        this.#states.set(start, { marks: new Map(state.marks).set(shard, max), legacy: [] });
      },
      { retries: MAX_ROUNDS - 1, minTimeout: 0, shouldRetry: ({ error }) => error instanceof MarkMoved },
    );
  }

  async #read(start: number): Promise<BucketState> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: globalPk(start) }, ConsistentRead: true }),
    );
    const state = stateOf(Item);
    this.#states.set(start, state);
    return state;
  }

  /**
   * One UpdateItem adding these events; with a mark, also moving it from `read` to `max` on the
   * condition that it is still `read` (false when it is not).
   */
  async #update(
    start: number,
    events: Omit<Counted, 'sequence'>[],
    mark?: { shard: string; read: string | undefined; max: string; legacy: string[] },
  ): Promise<boolean> {
    const names: Record<string, string> = { '#ttl': TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { ':ttl': Math.floor(start / 1000) + GLOBAL_TTL_S };
    const adds: string[] = [];
    for (const [name, n] of Object.entries(countsOf(events))) {
      const i = adds.length;
      names[`#a${i}`] = name;
      values[`:a${i}`] = n;
      adds.push(`#a${i} :a${i}`);
    }
    let expression = `ADD ${adds.join(', ')} SET #ttl = :ttl`;
    let condition: string | undefined;
    if (mark) {
      names['#hw'] = MARK_PREFIX + mark.shard;
      values[':max'] = mark.max;
      expression += ', #hw = :max';
      condition = 'attribute_not_exists(#hw)';
      if (mark.read !== undefined) {
        condition = '#hw = :read';
        values[':read'] = mark.read;
      }
      mark.legacy.forEach((name, i) => (names[`#old${i}`] = name));
      if (mark.legacy.length > 0) expression += ` REMOVE ${mark.legacy.map((_, i) => `#old${i}`).join(', ')}`;
    }
    const sent = this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: globalPk(start) },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return (await ignoringConditionFailure(sent)) !== undefined;
  }
}

/** A round whose condition failed: the shard's mark moved since it was read. */
class MarkMoved extends Error {}

/** The starts of the week's hours up to the one that holds `at`, oldest first. */
function weekOf(at: number): number[] {
  const current = bucketStart(at);
  return Array.from(
    { length: GLOBAL_BUCKETS },
    (_, i) => current - (GLOBAL_BUCKETS - 1 - i) * GLOBAL_BUCKET_MS,
  );
}

/** The counts these logins and page views add, by attribute name (none that would add 0). */
function countsOf(events: readonly Omit<Counted, 'sequence'>[]): Record<string, number> {
  const counts = new Map<string, number>();
  const inc = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const { login, browse, at } of events) {
    if (browse) for (const name of browseCounts(browse, at)) inc(WAVE_PREFIX + name);
    if (!login) continue;
    for (const name of waveCounts(login, at)) inc(WAVE_PREFIX + name);
    inc('logins');
    if (login.outcome === 'failure') inc('failures');
    if (login.unknownUser) inc('unknownUserFailures');
    // Only successful logins describe where customers really are (as the in-memory adapter).
    if (login.outcome === 'success' && login.country) {
      inc('locatedSuccesses');
      inc(COUNTRY_PREFIX + login.country);
    }
  }
  return Object.fromEntries(counts);
}

function stateOf(item: Item | undefined): BucketState {
  const marks = new Map<string, string>();
  const legacy: string[] = [];
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(MARK_PREFIX)) marks.set(name.slice(MARK_PREFIX.length), value as string);
    else if (LEGACY.test(name)) legacy.push(name);
  }
  return { marks, legacy };
}
