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
import { bucketStart, GlobalCounters, globalPk, toBucket } from './dynamo-counters.ts';
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
/** Paths of the one-request write (`#obs.#e123 = :o123, ` is 21 characters: 150 stay below 4 KB). */
const PATHS_PER_KNOWN_UPDATE = 150;
/** Profiles whose last-read state is remembered for the next write; beyond it the memory starts over. */
const KNOWN_MAX = 50_000;

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
 *
 * **One request per profile per batch.** `load` remembers what it read of each profile item
 * (whether it exists, its `ttl`, the id, kind, time and expiry of each observation), and the
 * consumer always loads a batch's profiles before it writes them. With that, `record` knows
 * which observations the new ones push out (expired, or the oldest beyond
 * {@link PROFILE_LIMITS}) and whether `ttl` must grow, and sends ONE UpdateItem per profile:
 * a new item is created whole (`SET obs = :map, ttl = :t` if `attribute_not_exists(pk)`); an
 * existing one gets `SET obs.#new… = :o…, ttl = :t REMOVE obs.#old…`, the `ttl` raise only
 * when needed and then conditioned on `ttl < :t`. What the remembered state got wrong is only
 * a concurrent writer's doing: a failed condition (the item appeared or its `ttl` was raised
 * meanwhile) falls back to the two steps below, and removals computed from a stale state only
 * remove what is expired or among the oldest (concurrent writes add newer observations), so
 * a profile may briefly hold more than its limit, never less; reads apply the limit too.
 *
 * Without a remembered state (a write not preceded by a load), per profile:
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
 * counted exactly once per event by {@link GlobalCounters}. `load` reads the week's 168 buckets by
 * key; past buckets are cached for {@link DynamoProfileStoreOptions.globalCacheMs}, so a warm load
 * is one BatchGetItem (the profiles and the current bucket).
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
  /** What the last load saw of each profile item (see the class comment). */
  readonly #known = new Map<ProfileKey, KnownItem>();
  readonly #counters: GlobalCounters;

  constructor(options: DynamoProfileStoreOptions) {
    this.#client = options.client;
    this.#tables = options.tables;
    this.#now = options.now ?? Date.now;
    this.#globalCacheMs = options.globalCacheMs ?? 5 * 60_000;
    this.#batchGetAttempts = options.batchGetAttempts ?? 8;
    this.#writeConcurrency = options.writeConcurrency ?? 16;
    this.#counters = new GlobalCounters({
      client: this.#client,
      table: this.#tables.profiles,
      now: this.#now,
    });
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
      if (start === current) this.#counters.observe(start, item);
    }
    if (this.#known.size > KNOWN_MAX) this.#known.clear();
    const profiles = new Map<ProfileKey, Profile>();
    for (const key of keys) {
      const item = byPk.get(key);
      this.#known.set(key, knownOf(item));
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
    for (const { observation, keys } of writes) {
      for (const key of keys) {
        let observations = byKey.get(key);
        if (!observations) byKey.set(key, (observations = new Map()));
        observations.set(observation.eventId, observation);
      }
    }
    const tasks: (() => Promise<void>)[] = [];
    for (const [key, observations] of byKey) tasks.push(() => this.#append(key, [...observations.values()]));
    tasks.push(() => this.#counters.add(writes));
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

  /** Appends a batch's observations to one profile: in one request when its state is known. */
  async #append(key: ProfileKey, observations: Observation[]): Promise<void> {
    const known = this.#known.get(key);
    this.#known.delete(key);
    if (known && (await this.#appendKnown(key, observations, known))) return;
    await this.#appendUnknown(key, observations);
  }

  /**
   * The one-request write of the class comment.
   *
   * @returns false when the item was not as remembered (nothing was written then).
   */
  async #appendKnown(key: ProfileKey, observations: Observation[], known: KnownItem): Promise<boolean> {
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    const incoming = new Set(observations.map((o) => o.eventId));
    const all = [...known.observations.filter((o) => !incoming.has(o.eventId)), ...observations];
    const removals = new Set(removable(all, nowS));
    // A new observation that is already expired or among the oldest is simply not written.
    const sets = observations.filter((o) => !removals.has(o.eventId));
    const removes = known.observations.filter((o) => removals.has(o.eventId)).map((o) => o.eventId);
    if (sets.length + removes.length > PATHS_PER_KNOWN_UPDATE) return false;
    if (sets.length === 0 && removes.length === 0) return true;
    const wantTtl = all.filter((o) => !removals.has(o.eventId)).reduce((m, o) => Math.max(m, o.expiresAt), 0);
    const names: Record<string, string> = { '#pk': 'pk', '#obs': 'obs' };
    const values: Record<string, unknown> = {};
    let input: UpdateCommandInput;
    if (!known.exists) {
      input = {
        TableName: this.#tables.profiles,
        Key: { pk: key },
        UpdateExpression: 'SET #obs = :map, #ttl = :t',
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { ...names, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':t': wantTtl,
          ':map': Object.fromEntries(sets.map((o) => [o.eventId, o])),
        },
      };
    } else {
      const clauses: string[] = [];
      const assignments = sets.map((o, i) => {
        names[`#e${i}`] = o.eventId;
        values[`:o${i}`] = o;
        return `#obs.#e${i} = :o${i}`;
      });
      let condition = 'attribute_exists(#pk)';
      if (wantTtl > known.ttl) {
        names['#ttl'] = TTL_ATTRIBUTE;
        values[':t'] = wantTtl;
        assignments.push('#ttl = :t');
        condition += ' AND #ttl < :t';
      }
      if (assignments.length > 0) clauses.push(`SET ${assignments.join(', ')}`);
      removes.forEach((id, i) => (names[`#r${i}`] = id));
      if (removes.length > 0) clauses.push(`REMOVE ${removes.map((_, i) => `#obs.#r${i}`).join(', ')}`);
      input = {
        TableName: this.#tables.profiles,
        Key: { pk: key },
        UpdateExpression: clauses.join(' '),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
      };
      if (Object.keys(values).length > 0) input.ExpressionAttributeValues = values;
    }
    return updateIgnoringConditionFailure(this.#client, input);
  }

  /** Steps 1 and 2 of the class comment for one profile whose state is not known. */
  async #appendUnknown(key: ProfileKey, observations: Observation[]): Promise<void> {
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
}

type ObservationMeta = Pick<Observation, 'eventId' | 'kind' | 'at' | 'expiresAt'>;

const byTime = (a: ObservationMeta, b: ObservationMeta): number =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * A stored profile item as the port's Profile: unexpired observations, oldest first (ties by
 * eventId), at most the newest {@link PROFILE_LIMITS} of each kind (concurrent writers may leave
 * a few more in the item until the next write trims it).
 */
function toProfile(key: ProfileKey, item: Item, nowS: number): Profile {
  const stored = Object.values((item.obs ?? {}) as Record<string, Observation>);
  const over = new Set(removable(stored, nowS));
  return { key, observations: stored.filter((o) => !over.has(o.eventId)).sort(byTime) };
}

/** What a load saw of a profile item: enough to plan the next write (see the class comment). */
interface KnownItem {
  exists: boolean;
  /** The item's `ttl` (0 when it has none). */
  ttl: number;
  /** Every observation the item held, expired ones included (they are due for removal). */
  observations: ObservationMeta[];
}

function knownOf(item: Item | undefined): KnownItem {
  if (!item) return { exists: false, ttl: 0, observations: [] };
  const observations = Object.values((item.obs ?? {}) as Record<string, Observation>).map(
    ({ eventId, kind, at, expiresAt }) => ({ eventId, kind, at, expiresAt }),
  );
  return { exists: true, ttl: (item[TTL_ATTRIBUTE] as number | undefined) ?? 0, observations };
}

/** The eventIds to remove from a profile: expired as of `nowS`, and the oldest of each kind beyond its limit. */
function removable(stored: readonly ObservationMeta[], nowS: number): string[] {
  const out: string[] = [];
  const byKind = new Map<SignalKind, ObservationMeta[]>();
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
