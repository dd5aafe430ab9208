import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../tables.ts';
import type { GlobalBucket } from './model.ts';
import type { ProfileWrite } from './observe.ts';
import { GLOBAL_BUCKET_MS } from './store.ts';

/** A DynamoDB item as the document client hands it over. */
type Item = Record<string, unknown>;

/** How long global buckets are kept: the retention of the counters (a week) plus a day. */
const GLOBAL_TTL_S = 8 * 86_400;
const GLOBAL_PREFIX = 'global#';
const COUNTRY_PREFIX = 'country:';
/** The ledger: one string set per {@link LEDGER_SLOT_MS} of processing time, `applied#<slot>`. */
const LEDGER_PREFIX = 'applied#';
/**
 * Ledger slots are five minutes of processing time, and the current slot plus the two before it
 * are kept: an event id is remembered 10 to 15 minutes after its login was counted. Lambda
 * retries a failed batch within seconds to minutes (bounded by the event source mapping's retry
 * attempts and maximum record age), so a retry finds its logins in the ledger; a retry later
 * than that would count them again. The bound keeps the item small: at 20,000 logins an hour,
 * 15 minutes of 12-character ids is about 100 KB, well below DynamoDB's 400 KB item limit.
 */
const LEDGER_SLOT_MS = 5 * 60_000;
const LEDGER_SLOTS_KEPT = 3;
/**
 * Optimistic-concurrency rounds before giving up (each after the first is a GetItem and an
 * UpdateItem, after a jittered pause so that contending shards spread out).
 */
const MAX_ROUNDS = 10;

export const bucketStart = (at: number): number => Math.floor(at / GLOBAL_BUCKET_MS) * GLOBAL_BUCKET_MS;
export const globalPk = (start: number): string => `${GLOBAL_PREFIX}${start}`;

/**
 * The ledger id of an event: 72 bits of SHA-256 of its eventId, 12 base64url characters.
 * Shorter than most eventIds (the ledger is bounded by size), and collision-free in practice
 * among the few thousand ids of a 15-minute window (about 2^-50 for 10,000 ids).
 */
export const ledgerId = (eventId: string): string =>
  createHash('sha256').update(eventId).digest('base64url').slice(0, 12);

/** One login's contribution to its hour bucket. */
interface Contribution {
  id: string;
  login: NonNullable<ProfileWrite['login']>;
}

/** What was last read of a bucket item: its version and the ids its ledger holds. */
interface BucketState {
  version: number | undefined;
  ledger: Set<string>;
  slots: string[];
}

/** A stored bucket item as the port's GlobalBucket (the version and the ledger left out). */
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
 * The shop-wide login counters on DynamoDB, counted exactly once per event.
 *
 * One item per hour of event time in the profiles table (`pk` = `global#<start ms>`): the
 * counts as top-level numbers (`logins`, `failures`, `unknownUserFailures`, `locatedSuccesses`,
 * one `country:<code>` per country), `ttl`, a version `v`, and a ledger of the ids of the logins
 * it counted (see {@link LEDGER_SLOT_MS}). A batch adds only the logins its ledger does not hold
 * yet, in one UpdateItem conditioned on the version it read (`ADD` the counts and the ids,
 * `SET v = v + 1`); a writer that lost the race reads the item again and retries with what is
 * still missing. So a batch redelivered after a crash between this write and its decisions
 * (the completion markers) does not count its logins twice, and concurrent shards lose nothing.
 * A plain `ADD` would be atomic but not idempotent; transactions would do, but dynalite has none,
 * and the ledger costs no extra request.
 *
 * The consumer reads the current bucket with every batch (the rules need it), so the version and
 * ledger usually come for free from that read ({@link observe}); otherwise one GetItem.
 *
 * @example
 * ```ts
 * const counters = new GlobalCounters({ client, table: tables.profiles });
 * counters.observe(start, item);                       // after reading the bucket item
 * await counters.add([{ observation, keys, login }]);   // counts each login once
 * ```
 */
export class GlobalCounters {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #states = new Map<number, BucketState>();

  constructor(options: { client: DynamoDBDocumentClient; table: string; now?: () => number }) {
    this.#client = options.client;
    this.#table = options.table;
    this.#now = options.now ?? Date.now;
  }

  /** Remembers what a read of a bucket item found (undefined: no item). */
  observe(start: number, item: Item | undefined): void {
    if (this.#states.size > 64) this.#states.clear();
    this.#states.set(start, stateOf(item));
  }

  /** Adds the logins among these writes to their hour buckets, each event at most once. */
  async add(writes: readonly ProfileWrite[]): Promise<void> {
    const byBucket = new Map<number, Map<string, Contribution>>();
    for (const { observation, login } of writes) {
      if (!login) continue;
      const start = bucketStart(observation.at);
      let contributions = byBucket.get(start);
      if (!contributions) byBucket.set(start, (contributions = new Map()));
      const id = ledgerId(observation.eventId);
      contributions.set(id, { id, login });
    }
    await Promise.all([...byBucket].map(([start, c]) => this.#addToBucket(start, [...c.values()])));
  }

  async #addToBucket(start: number, contributions: Contribution[]): Promise<void> {
    let state = this.#states.get(start) ?? (await this.#read(start));
    for (let round = 1; ; round++) {
      const fresh = contributions.filter((c) => !state.ledger.has(c.id));
      if (fresh.length === 0) return;
      if (await this.#update(start, state, fresh)) {
        const ledger = new Set([...state.ledger, ...fresh.map((c) => c.id)]);
        this.#states.set(start, { version: (state.version ?? 0) + 1, ledger, slots: state.slots });
        return;
      }
      if (round >= MAX_ROUNDS) {
        throw new Error(`global counters ${globalPk(start)}: still contended after ${MAX_ROUNDS} rounds`);
      }
      await sleep(Math.random() * Math.min(1_000, 10 * 2 ** round));
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

  /** One conditional UpdateItem; false when another writer changed the item since `state` was read. */
  async #update(start: number, state: BucketState, fresh: Contribution[]): Promise<boolean> {
    const c = { logins: 0, failures: 0, unknownUserFailures: 0, locatedSuccesses: 0 };
    const countries: Record<string, number> = {};
    for (const { login } of fresh) {
      c.logins++;
      if (login.outcome === 'failure') c.failures++;
      if (login.unknownUser) c.unknownUserFailures++;
      // Only successful logins describe where customers really are (as the in-memory adapter).
      if (login.outcome === 'success' && login.country) {
        c.locatedSuccesses++;
        countries[login.country] = (countries[login.country] ?? 0) + 1;
      }
    }
    const slot = Math.floor(this.#now() / LEDGER_SLOT_MS);
    const names: Record<string, string> = {
      '#ttl': TTL_ATTRIBUTE,
      '#v': 'v',
      '#slot': `${LEDGER_PREFIX}${slot}`,
    };
    const values: Record<string, unknown> = {
      ':ttl': Math.floor(start / 1000) + GLOBAL_TTL_S,
      ':one': 1,
      ':ids': new Set(fresh.map((f) => f.id)),
    };
    const adds = ['#slot :ids', '#v :one'];
    for (const [name, n] of Object.entries({ ...c, ...prefixed(countries) })) {
      if (n === 0) continue;
      const i = adds.length;
      names[`#a${i}`] = name;
      values[`:a${i}`] = n;
      adds.push(`#a${i} :a${i}`);
    }
    const stale = state.slots.filter(
      (s) => Number(s.slice(LEDGER_PREFIX.length)) <= slot - LEDGER_SLOTS_KEPT,
    );
    stale.forEach((s, i) => (names[`#old${i}`] = s));
    let expression = `ADD ${adds.join(', ')} SET #ttl = :ttl`;
    if (stale.length > 0) expression += ` REMOVE ${stale.map((_, i) => `#old${i}`).join(', ')}`;
    let condition = 'attribute_not_exists(#v)';
    if (state.version !== undefined) {
      condition = '#v = :v';
      values[':v'] = state.version;
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

const prefixed = (countries: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(countries).map(([code, n]) => [COUNTRY_PREFIX + code, n]));

function stateOf(item: Item | undefined): BucketState {
  const ledger = new Set<string>();
  const slots: string[] = [];
  for (const [name, value] of Object.entries(item ?? {})) {
    if (!name.startsWith(LEDGER_PREFIX)) continue;
    slots.push(name);
    for (const id of value as Set<string>) ledger.add(id);
  }
  return { version: item?.v as number | undefined, ledger, slots };
}
