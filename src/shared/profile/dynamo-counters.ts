import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../tables.ts';
import type { GlobalBucket } from './model.ts';
import type { ProfileWrite } from './model.ts';
import { GLOBAL_BUCKET_MS } from './store.ts';

/** A DynamoDB item as the document client hands it over. */
type Item = Record<string, unknown>;

/** How long global buckets are kept: the retention of the counters (a week) plus a day. */
const GLOBAL_TTL_S = 8 * 86_400;
const GLOBAL_PREFIX = 'global#';
const COUNTRY_PREFIX = 'country:';
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

export const bucketStart = (at: number): number => Math.floor(at / GLOBAL_BUCKET_MS) * GLOBAL_BUCKET_MS;
export const globalPk = (start: number): string => `${GLOBAL_PREFIX}${start}`;

type Login = NonNullable<ProfileWrite['login']>;

/** A login and the sequence number of its record (0 for a write without a stream position). */
interface Counted {
  login: Login;
  sequence: bigint;
}

const loginOf = (c: Counted): Login => c.login;

/** The logins of one hour from one shard, or (no shard) from a caller that is not a stream. */
interface Group {
  start: number;
  shard: string | undefined;
  /** By eventId: the same event twice in one call counts once. */
  logins: Map<string, Counted>;
}

/** What was last read of a bucket item: the shards' marks, and the legacy attributes it holds. */
interface BucketState {
  marks: Map<string, string>;
  legacy: string[];
}

/** A stored bucket item as the port's GlobalBucket (the marks and any legacy attributes left out). */
export function toBucket(start: number, item: Item): GlobalBucket {
  const countries: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(COUNTRY_PREFIX)) countries[name.slice(COUNTRY_PREFIX.length)] = value as number;
  }
  const n = (name: string) => (item[name] as number | undefined) ?? 0;
  return {
    start,
    logins: n('logins'),
    failures: n('failures'),
    unknownUserFailures: n('unknownUserFailures'),
    locatedSuccesses: n('locatedSuccesses'),
    countries,
  };
}

/**
 * The shop-wide login counters on DynamoDB, counted exactly once per stream record.
 *
 * One item per hour of event time in the profiles table (`pk` = `global#<start ms>`): the
 * counts as top-level numbers (`logins`, `failures`, `unknownUserFailures`, `locatedSuccesses`,
 * one `country:<code>` per country), `ttl`, and per shard that wrote into it a high-water mark
 * `hw#<shard id>`: the highest sequence number whose login it counted.
 *
 * Why a mark is exact: Lambda hands a shard's records to one invocation at a time, in order
 * (parallelization factor 1), and after a failure restarts the shard from the lowest sequence
 * number the batch reported, or from its first record
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
 * The consumer writes the events before the failed record and nothing after it, so what a shard
 * has counted is always a prefix of the shard up to its mark: a redelivered record at or below
 * the mark was counted, one above it was not. A batch adds, per bucket, only its logins above
 * the mark it read, in one UpdateItem that `ADD`s the counts and sets the mark to the highest
 * sequence number added, conditioned on the mark still being what was read; a failed condition
 * (a redelivery of the same shard raced it) reads the item again and retries with what is
 * still above the mark. Other shards never contend (no item-wide version), and the item holds
 * one mark per shard that wrote into the hour, whatever the login rate. With a parallelization
 * factor above 1, batches of one shard run concurrently and a mark could pass logins not yet
 * counted (they would be missed, never counted twice).
 *
 * Sequence numbers are decimal strings of up to 128 digits: they are compared as BigInt, and
 * the mark is stored as a string (a DynamoDB number keeps 38 digits).
 *
 * Writes without a stream position (a caller that is not a stream: tests, a backfill) are a
 * plain `ADD`, atomic but not idempotent: such a caller must not send a login twice.
 *
 * The consumer reads the current bucket with every batch (the rules need it), so the marks
 * usually come for free from that read ({@link observe}); otherwise one GetItem.
 *
 * @example
 * ```ts
 * const counters = new GlobalCounters({ client, table: tables.profiles });
 * counters.observe(start, item);            // after reading the bucket item
 * await counters.add(writes);               // counts each positioned login once
 * ```
 */
export class GlobalCounters {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #states = new Map<number, BucketState>();

  constructor(options: { client: DynamoDBDocumentClient; table: string }) {
    this.#client = options.client;
    this.#table = options.table;
  }

  /** Remembers what a read of a bucket item found (undefined: no item). */
  observe(start: number, item: Item | undefined): void {
    if (this.#states.size > 64) this.#states.clear();
    this.#states.set(start, stateOf(item));
  }

  /** Adds the logins among these writes to their hour buckets, each positioned one at most once. */
  async add(writes: readonly ProfileWrite[]): Promise<void> {
    const groups = new Map<string, Group>();
    for (const { observation, login, position } of writes) {
      if (!login) continue;
      const start = bucketStart(observation.at);
      const id = `${start}:${position?.shard ?? ''}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { start, shard: position?.shard, logins: new Map() }));
      group.logins.set(observation.eventId, { login, sequence: BigInt(position?.sequence ?? 0) });
    }
    await Promise.all(
      [...groups.values()].map(({ start, shard, logins }) => {
        const counted = [...logins.values()];
        if (shard !== undefined) return this.#addFromShard(start, shard, counted);
        return this.#update(start, counted.map(loginOf));
      }),
    );
  }

  /** Adds the logins above the shard's mark and moves the mark, re-reading while it moved meanwhile. */
  async #addFromShard(start: number, shard: string, logins: Counted[]): Promise<void> {
    let state = this.#states.get(start) ?? (await this.#read(start));
    for (let round = 1; ; round++) {
      const read = state.marks.get(shard);
      const mark = read === undefined ? -1n : BigInt(read);
      const fresh = logins.filter((c) => c.sequence > mark);
      if (fresh.length === 0) return;
      const max = String(fresh.reduce((m, c) => (c.sequence > m ? c.sequence : m), mark));
      if (await this.#update(start, fresh.map(loginOf), { shard, read, max, legacy: state.legacy })) {
        this.#states.set(start, { marks: new Map(state.marks).set(shard, max), legacy: [] });
        return;
      }
      if (round >= MAX_ROUNDS) {
        throw new Error(`global counters ${globalPk(start)}: mark still moving after ${MAX_ROUNDS} rounds`);
      }
      state = await this.#read(start);
    }
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
   * One UpdateItem adding these logins; with a mark, also moving it from `read` to `max` on the
   * condition that it is still `read` (false when it is not).
   */
  async #update(
    start: number,
    logins: Login[],
    mark?: { shard: string; read: string | undefined; max: string; legacy: string[] },
  ): Promise<boolean> {
    const names: Record<string, string> = { '#ttl': TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { ':ttl': Math.floor(start / 1000) + GLOBAL_TTL_S };
    const adds: string[] = [];
    for (const [name, n] of Object.entries(countsOf(logins))) {
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
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: globalPk(start) },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if ((e as { name?: string } | null)?.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}

/** The counts these logins add, by attribute name (none that would add 0). */
function countsOf(logins: readonly Login[]): Record<string, number> {
  const counts = new Map<string, number>();
  const inc = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const login of logins) {
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
