import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Decision } from '../../rules/decide.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import type { GlobalBucket, Observation, Profile, ProfileKey, ProfileSnapshot, SignalKind } from './model.ts';
import type { ProfileWrite } from './observe.ts';
import { GLOBAL_BUCKET_MS, GLOBAL_BUCKETS, PROFILE_LIMITS, type ProfileStore } from './store.ts';
import { runLimited } from '../run-limited.ts';
import { batchWriteAll } from '../pipeline/writers.ts';

/** A DynamoDB item as the document client hands it over. */
type Item = Record<string, unknown>;

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_GET_MAX_KEYS = 100;
/** Observations set (or removed) per UpdateItem: keeps the expression well below its 4 KB limit. */
const PATHS_PER_UPDATE = 50;
/** How long global buckets are kept for the retention of the counters (a week) plus a day. */
const GLOBAL_TTL_S = 8 * 86_400;
const GLOBAL_PREFIX = 'global#';
const COUNTRY_PREFIX = 'country:';

export interface DynamoProfileStoreOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoDBDocumentClient;
  /** Table names, from `tableNames(stage)` (src/shared/tables.ts). */
  tables: { profiles: string; decisions: string };
  /** The processing clock (epoch ms): decision expiry and the global-bucket cache. Default `Date.now`. */
  now?: () => number;
  /** How long past (closed) hourly global buckets are served from memory. Default 5 minutes. */
  globalCacheMs?: number;
  /** BatchGetItem attempts for keys DynamoDB leaves unprocessed. Default 8. */
  batchGetAttempts?: number;
  /** Parallel UpdateItem requests per `record`. Default 16. */
  writeConcurrency?: number;
}

/**
 * The DynamoDB adapter of the profile store: the stream consumer's and the
 * score API's.
 *
 * **Profiles** (table `profiles`): one item per profile, `pk` = the ProfileKey,
 * its observations in the map `obs` (eventId → observation), `ttl` = the latest
 * `expiresAt` of what it holds, so DynamoDB deletes the item once all of it has
 * expired. Every observation is its own map key, written with `SET obs.#id = :o`:
 * concurrent writers (shards, retries) never read-modify-write the map, so none
 * loses another's update, and the same eventId written twice is one key.
 * Per write and profile:
 *
 * 1. `SET obs.#e… = :o…, ttl = if_not_exists(ttl, :t)` with `ReturnValues: ALL_NEW`.
 *    A map path needs its parent map; a new item has none and DynamoDB rejects the update
 *    with a ValidationException ("The document path provided in the update expression is
 *    invalid for update"). Then we create the map with `SET obs = if_not_exists(obs, :empty)`
 *    (idempotent, safe against a concurrent creator) and repeat the update. One expression
 *    cannot do both: two paths in one update expression must not overlap
 *    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 *    We chose try-then-create over create-first: it costs one request for an existing profile
 *    (the common case) and three for a new one, instead of two always.
 * 2. Only when the returned item needs it, one follow-up UpdateItem: `REMOVE` the oldest
 *    observations of each kind beyond {@link PROFILE_LIMITS} and the expired ones (removing
 *    a key that a concurrent writer already removed is harmless), and raise `ttl` when the
 *    write brought a later expiry. `ttl` must only ever grow (a 30-day page view after a 90-day
 *    login must not shorten the item's life), and there is no `max()` in update expressions, so
 *    the raise is conditional (`ttl < :t`); if that condition fails (someone raised it further
 *    meanwhile) the removal is sent again without the raise.
 *
 * Reads leave out expired observations themselves: TTL deletes late
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html), and an
 * expired observation inside a live item stays until the next write to that profile removes it.
 *
 * **Shop-wide counters**: one item per hour bucket in the same table, `pk` = `global#<start ms>`,
 * numbers updated with `ADD` (atomic, no read), one top-level attribute `country:<code>` per
 * country (`ADD` works on top-level attributes only, and a top-level attribute needs no parent map
 * to be created first), `ttl` = bucket start + 8 days. `load` reads the week's 168 buckets by key;
 * past buckets are cached for {@link DynamoProfileStoreOptions.globalCacheMs}, so a warm load is
 * one BatchGetItem (the profiles and the current bucket). Counters are not idempotent: a `record`
 * repeated after a failure counts its logins again (the observations it repeats are not doubled).
 *
 * **Decisions** (table `decisions`): `pk` = eventId, `d` = the decision as JSON text, `ttl`.
 *
 * @example
 * ```ts
 * const store = new DynamoProfileStore({ client: dynamoClient(), tables: tableNames('prod') });
 * const snapshot = await store.load(['ip#v1:abc'], Date.now());
 * ```
 */
export class DynamoProfileStore implements ProfileStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: DynamoProfileStoreOptions['tables'];
  readonly #now: () => number;
  readonly #globalCacheMs: number;
  readonly #batchGetAttempts: number;
  readonly #writeConcurrency: number;
  /** Global buckets by start (ms): the bucket (undefined when none was stored) and when it was read. */
  readonly #buckets = new Map<number, { bucket: GlobalBucket | undefined; readAt: number }>();

  constructor(options: DynamoProfileStoreOptions) {
    this.#client = options.client;
    this.#tables = options.tables;
    this.#now = options.now ?? Date.now;
    this.#globalCacheMs = options.globalCacheMs ?? 5 * 60_000;
    this.#batchGetAttempts = options.batchGetAttempts ?? 8;
    this.#writeConcurrency = options.writeConcurrency ?? 16;
  }

  async load(keys: readonly ProfileKey[], at: number): Promise<ProfileSnapshot> {
    const nowS = at / 1000;
    const now = this.#now();
    const current = bucketStart(at);
    const starts = Array.from(
      { length: GLOBAL_BUCKETS },
      (_, i) => current - (GLOBAL_BUCKETS - 1 - i) * GLOBAL_BUCKET_MS,
    );
    const stale = starts.filter((start) => {
      const cached = this.#buckets.get(start);
      return start === current || !cached || now - cached.readAt > this.#globalCacheMs;
    });
    const pks = [...new Set<string>(keys), ...stale.map(globalPk)];
    const items = await batchGetAll(this.#client, this.#tables.profiles, pks, this.#batchGetAttempts);

    const byPk = new Map(items.map((item) => [item.pk as string, item]));
    if (this.#buckets.size > 4 * GLOBAL_BUCKETS) this.#buckets.clear();
    for (const start of stale) {
      const item = byPk.get(globalPk(start));
      this.#buckets.set(start, { bucket: item && toBucket(start, item), readAt: now });
    }
    const profiles = new Map<ProfileKey, Profile>();
    for (const key of keys) {
      const item = byPk.get(key);
      if (item) profiles.set(key, toProfile(key, item, nowS));
    }
    const buckets: GlobalBucket[] = [];
    for (const start of starts) {
      const bucket = this.#buckets.get(start)?.bucket;
      if (bucket) buckets.push(bucket);
    }
    return { profiles, global: { buckets } };
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    const byKey = new Map<ProfileKey, Map<string, Observation>>();
    const counts = new Map<number, BucketCounts>();
    for (const { observation, keys, login } of writes) {
      for (const key of keys) {
        let observations = byKey.get(key);
        if (!observations) byKey.set(key, (observations = new Map()));
        observations.set(observation.eventId, observation);
      }
      if (login) addLogin(counts, bucketStart(observation.at), login);
    }
    const tasks: (() => Promise<void>)[] = [];
    for (const [key, observations] of byKey) tasks.push(() => this.#append(key, [...observations.values()]));
    for (const [start, c] of counts) tasks.push(() => this.#count(start, c));
    await runLimited(tasks, this.#writeConcurrency);
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tables.decisions, Key: { pk: eventId }, ConsistentRead: true }),
    );
    // Expired but not yet deleted by TTL counts as gone.
    if (!Item || (Item[TTL_ATTRIBUTE] as number) * 1000 <= this.#now()) return undefined;
    return JSON.parse(Item.d as string) as Decision;
  }

  async findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    const items = await batchGetAll(this.#client, this.#tables.decisions, [...new Set(eventIds)]);
    const found = new Map<string, Decision>();
    for (const item of items) {
      // Expired but not yet deleted by TTL counts as gone.
      if ((item[TTL_ATTRIBUTE] as number) * 1000 > this.#now()) {
        found.set(item.pk as string, JSON.parse(item.d as string) as Decision);
      }
    }
    return found;
  }

  async saveDecisions(decisions: readonly { decision: Decision; expiresAt: number }[]): Promise<void> {
    await batchWriteAll(
      this.#client,
      this.#tables.decisions,
      decisions.map(({ decision, expiresAt }) => ({
        pk: decision.eventId,
        d: JSON.stringify(decision),
        [TTL_ATTRIBUTE]: expiresAt,
      })),
    );
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tables.decisions,
        Item: { pk: decision.eventId, d: JSON.stringify(decision), [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  /** Steps 1 and 2 of the class comment for one profile. */
  async #append(key: ProfileKey, observations: Observation[]): Promise<void> {
    const table = this.#tables.profiles;
    const maxExpiresAt = Math.max(...observations.map((o) => o.expiresAt));
    let item: Item | undefined;
    for (let i = 0; i < observations.length; i += PATHS_PER_UPDATE) {
      const chunk = observations.slice(i, i + PATHS_PER_UPDATE);
      const names: Record<string, string> = { '#obs': 'obs', '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, unknown> = { ':t': maxExpiresAt };
      const sets = chunk.map((o, j) => {
        names[`#e${j}`] = o.eventId;
        values[`:o${j}`] = o;
        return `#obs.#e${j} = :o${j}`;
      });
      item = await updateMapPaths(
        this.#client,
        {
          TableName: table,
          Key: { pk: key },
          UpdateExpression: `SET ${sets.join(', ')}, #ttl = if_not_exists(#ttl, :t)`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        },
        {
          TableName: table,
          Key: { pk: key },
          UpdateExpression: 'SET #obs = if_not_exists(#obs, :empty), #ttl = if_not_exists(#ttl, :t)',
          ExpressionAttributeNames: { '#obs': 'obs', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':empty': {}, ':t': maxExpiresAt },
        },
      );
    }
    if (!item) return;
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    const stored = Object.values((item.obs ?? {}) as Record<string, Observation>);
    const removals = removable(stored, nowS);
    const kept = stored.filter((o) => !removals.includes(o.eventId));
    const wantTtl = kept.reduce((m, o) => Math.max(m, o.expiresAt), 0);
    const raise = wantTtl > ((item[TTL_ATTRIBUTE] as number | undefined) ?? 0) ? wantTtl : undefined;
    await this.#tidy(key, removals, raise);
  }

  /** The follow-up UpdateItem(s) of step 2: remove these map keys and raise `ttl` to `raise`. */
  async #tidy(key: ProfileKey, removals: string[], raise: number | undefined): Promise<void> {
    for (let i = 0; i < removals.length || (i === 0 && raise !== undefined); i += PATHS_PER_UPDATE) {
      const chunk = removals.slice(i, i + PATHS_PER_UPDATE);
      const withRaise = i === 0 ? raise : undefined;
      const send = (ttl: number | undefined) => {
        const names: Record<string, string> = { '#pk': 'pk' };
        const values: Record<string, unknown> = {};
        const clauses: string[] = [];
        if (chunk.length > 0) {
          names['#obs'] = 'obs';
          chunk.forEach((id, j) => (names[`#r${j}`] = id));
          clauses.push(`REMOVE ${chunk.map((_, j) => `#obs.#r${j}`).join(', ')}`);
        }
        let condition = 'attribute_exists(#pk)';
        if (ttl !== undefined) {
          names['#ttl'] = TTL_ATTRIBUTE;
          values[':t'] = ttl;
          clauses.push('SET #ttl = :t');
          condition += ' AND (attribute_not_exists(#ttl) OR #ttl < :t)';
        }
        const input: UpdateCommandInput = {
          TableName: this.#tables.profiles,
          Key: { pk: key },
          UpdateExpression: clauses.join(' '),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
        };
        if (ttl !== undefined) input.ExpressionAttributeValues = values;
        return updateIgnoringConditionFailure(this.#client, input);
      };
      const applied = await send(withRaise);
      // The raise lost to a later one (or the item is gone): the removals still have to happen.
      if (!applied && withRaise !== undefined && chunk.length > 0) await send(undefined);
    }
  }

  /** Adds one bucket's logins to its global item. */
  async #count(start: number, c: BucketCounts): Promise<void> {
    const names: Record<string, string> = {
      '#logins': 'logins',
      '#failures': 'failures',
      '#unknown': 'unknownUserFailures',
      '#located': 'locatedSuccesses',
      '#ttl': TTL_ATTRIBUTE,
    };
    const values: Record<string, unknown> = {
      ':logins': c.logins,
      ':failures': c.failures,
      ':unknown': c.unknownUserFailures,
      ':located': c.locatedSuccesses,
      ':ttl': Math.floor(start / 1000) + GLOBAL_TTL_S,
    };
    const adds = ['#logins :logins', '#failures :failures', '#unknown :unknown', '#located :located'];
    Object.entries(c.countries).forEach(([country, n], i) => {
      names[`#c${i}`] = COUNTRY_PREFIX + country;
      values[`:c${i}`] = n;
      adds.push(`#c${i} :c${i}`);
    });
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tables.profiles,
        Key: { pk: globalPk(start) },
        UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

type BucketCounts = Omit<GlobalBucket, 'start'>;

const bucketStart = (at: number): number => Math.floor(at / GLOBAL_BUCKET_MS) * GLOBAL_BUCKET_MS;
const globalPk = (start: number): string => `${GLOBAL_PREFIX}${start}`;

function addLogin(
  counts: Map<number, BucketCounts>,
  start: number,
  login: NonNullable<ProfileWrite['login']>,
) {
  let c = counts.get(start);
  if (!c) {
    c = { logins: 0, failures: 0, unknownUserFailures: 0, locatedSuccesses: 0, countries: {} };
    counts.set(start, c);
  }
  c.logins++;
  if (login.outcome === 'failure') c.failures++;
  if (login.unknownUser) c.unknownUserFailures++;
  // Only successful logins describe where customers really are (as the in-memory adapter).
  if (login.outcome === 'success' && login.country) {
    c.locatedSuccesses++;
    c.countries[login.country] = (c.countries[login.country] ?? 0) + 1;
  }
}

const byTime = (a: Observation, b: Observation): number =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** A stored profile item as the port's Profile: unexpired observations, oldest first (ties by eventId). */
function toProfile(key: ProfileKey, item: Item, nowS: number): Profile {
  const stored = Object.values((item.obs ?? {}) as Record<string, Observation>);
  return { key, observations: stored.filter((o) => o.expiresAt > nowS).sort(byTime) };
}

function toBucket(start: number, item: Item): GlobalBucket {
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

/** The eventIds to remove from a profile: expired as of `nowS`, and the oldest of each kind beyond its limit. */
function removable(stored: Observation[], nowS: number): string[] {
  const out: string[] = [];
  const byKind = new Map<SignalKind, Observation[]>();
  for (const o of stored) {
    if (o.expiresAt <= nowS) {
      out.push(o.eventId);
      continue;
    }
    const list = byKind.get(o.kind);
    if (list) list.push(o);
    else byKind.set(o.kind, [o]);
  }
  for (const [kind, list] of byKind) {
    const excess = list.length - PROFILE_LIMITS[kind];
    if (excess > 0) for (const o of list.sort(byTime).slice(0, excess)) out.push(o.eventId);
  }
  return out;
}

const errorName = (e: unknown): string | undefined => (e as { name?: string } | null)?.name;

/**
 * Reads items by partition key (`pk`), any number of them: BatchGetItem in requests of 100 keys
 * (in parallel), strongly consistent. DynamoDB may return part of a batch as `UnprocessedKeys`
 * (throttling, 16 MB response limit); those are asked again with exponential backoff and full jitter,
 * at most `attempts` requests per batch, as AWS recommends:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 *
 * @throws Error when keys are still unprocessed after `attempts` requests.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  pks: readonly string[],
  attempts = 8,
): Promise<Item[]> {
  const chunks: Item[][] = [];
  for (let i = 0; i < pks.length; i += BATCH_GET_MAX_KEYS) {
    chunks.push(pks.slice(i, i + BATCH_GET_MAX_KEYS).map((pk) => ({ pk })));
  }
  const results = await Promise.all(
    chunks.map(async (keys) => {
      const items: Item[] = [];
      let pending: Item[] = keys;
      for (let attempt = 1; ; attempt++) {
        const out = await client.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
        if (pending.length === 0) return items;
        if (attempt >= attempts) {
          throw new Error(
            `BatchGetItem on ${table}: ${pending.length} keys unprocessed after ${attempts} requests`,
          );
        }
        await sleep(Math.random() * Math.min(2_000, 50 * 2 ** attempt));
      }
    }),
  );
  return results.flat();
}

/**
 * UpdateItem whose ConditionExpression failing means "nothing to do" rather than an error.
 *
 * @returns whether the update was applied.
 */
export async function updateIgnoringConditionFailure(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<boolean> {
  try {
    await client.send(new UpdateCommand(input));
    return true;
  } catch (e) {
    if (errorName(e) === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

/**
 * UpdateItem that sets paths inside a map attribute (`SET obs.#id = :o`), creating the map
 * first when the item or the map does not exist yet: DynamoDB rejects a path whose parent
 * is missing with a ValidationException ("The document path provided in the update expression
 * is invalid for update"), and a path and its parent cannot both appear in one expression
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 *
 * @param update the update of the map's paths (its `ReturnValues` decide what is returned)
 * @param create an idempotent update that creates the map (`SET obs = if_not_exists(obs, :empty)`)
 * @returns the update's `Attributes`
 */
export async function updateMapPaths(
  client: DynamoDBDocumentClient,
  update: UpdateCommandInput,
  create: UpdateCommandInput,
): Promise<Item | undefined> {
  try {
    return (await client.send(new UpdateCommand(update))).Attributes;
  } catch (e) {
    const message = (e as { message?: string } | null)?.message ?? '';
    if (
      errorName(e) !== 'ValidationException' ||
      !/document path provided in the update expression is invalid/i.test(message)
    ) {
      throw e;
    }
  }
  await client.send(new UpdateCommand(create));
  return (await client.send(new UpdateCommand(update))).Attributes;
}
