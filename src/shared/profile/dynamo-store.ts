import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Decision } from '../decision.ts';
import type { DynamoClient } from '../aws.ts';
import { decodeMapKey, encodeMapKey } from '../map-keys.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { bucketStart, GlobalCounters, globalPk, toBucket } from './dynamo-counters.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import type {
  GlobalBucket,
  Observation,
  Profile,
  ProfileKey,
  ProfileSnapshot,
  SignalKind,
  SubjectControls,
} from './model.ts';
import type { ProfileWrite } from './model.ts';
import {
  type ForgetCounts,
  GLOBAL_BUCKET_MS,
  GLOBAL_BUCKETS,
  type HeldObservation,
  type LoadOptions,
  PROFILE_LIMITS,
  type ProfileStore,
  type SubjectDataStore,
  countsOf,
} from './store.ts';
import { runLimited } from '../run-limited.ts';
import { type RetryPolicy, UNPROCESSED_RETRY, batchGetAll, batchWriteAll } from '../dynamo/batch.ts';

/** A DynamoDB item as the document client hands it over. */
type Item = Record<string, unknown>;

/** Observations set (or removed) per UpdateItem: keeps the expression well below its 4 KB limit. */
const PATHS_PER_UPDATE = 50;
const SUBJECT_PREFIX = 'subject#';
/**
 * Links kept per subject item at most: a customer's own profile holds at most 144 observations,
 * each linking to a handful of profiles; far more is an attacker's account, whose links must not
 * grow the item towards DynamoDB's 400 KB limit.
 */
const LINKS_MAX = 1_000;
const CONTROL_PREFIX = 'control#';
const ASIDE_PREFIX = 'aside#';

/** Paths of the one-request write (`#obs.#e123 = :o123, ` is 21 characters: 150 stay below 4 KB). */
const PATHS_PER_KNOWN_UPDATE = 150;
/** Rounds of "create the map, then set its paths" before a write gives up (see updateMapPaths). */
const MAP_CREATE_ATTEMPTS = 4;
/** Profiles whose last-read state is remembered for the next write; beyond it the memory starts over. */
const KNOWN_MAX = 50_000;

export interface DynamoProfileStoreOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoClient;
  /** Table names, from `tableNames(stage)` (src/shared/tables.ts). */
  tables: { profiles: string; decisions: string };
  /** The processing clock (epoch ms): decision expiry and the global-bucket cache. Default `Date.now`. */
  now?: () => number;
  /** How long past (closed) hourly global buckets are served from memory. Default 5 minutes. */
  globalCacheMs?: number;
  /** How what DynamoDB leaves of a batch read or write unprocessed is sent again. Default {@link UNPROCESSED_RETRY}. */
  unprocessedRetry?: RetryPolicy;
  /** Parallel UpdateItem requests per `record`. Default 16. */
  writeConcurrency?: number;
  /**
   * Whether this store writes (default true). One that only reads (the score endpoint, the
   * analysts' routes) keeps nothing of what it read for a next write (see "One request per
   * profile per batch" below): no memory that only grows and is replaced, read after read. A
   * write still works then, by the general path.
   */
  writes?: boolean;
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
 * loses another's update, and the same eventId written twice is one key. Event ids are the
 * producer's: every map key (`obs`, `held`, `links`) is written escaped and read back without
 * losing any key (src/shared/map-keys.ts), so an id such as `__proto__` is a key like any other.
 *
 * **One request per profile per batch.** `load` remembers what it read of each profile item
 * (whether it exists, its `ttl`, the id, kind, time and expiry of each observation), and the
 * consumer always loads a batch's profiles before it writes them. With that, `record` knows
 * which observations the new ones push out (expired, or the oldest beyond
 * {@link PROFILE_LIMITS}) and whether `ttl` must grow, and sends ONE UpdateItem per profile:
 * a new item is created whole (`SET obs = :map, ttl = :t` if `attribute_not_exists(pk)`); an
 * existing one gets `SET obs.#new… = :o…, ttl = :t REMOVE obs.#old…`, the `ttl` raise only
 * when needed and then conditioned on `ttl < :t`. What the remembered state got wrong is only
 * a concurrent writer's doing: when its `ttl` was raised meanwhile, the update is sent again
 * without the raise (so a hot item written by every shard costs at most two requests per
 * batch); when the item appeared meanwhile, the two steps below follow. Removals computed from
 * a stale state only remove what is expired or among the oldest (concurrent writes add newer
 * observations), so a profile may briefly hold more than its limit, never less; reads apply
 * the limit too.
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
 * counted exactly once per stream record by {@link GlobalCounters}. `load` reads the week's 168 buckets by
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
export class DynamoProfileStore implements ProfileStore, SubjectDataStore {
  readonly #client: DynamoClient;
  readonly #tables: DynamoProfileStoreOptions['tables'];
  readonly #now: () => number;
  readonly #globalCacheMs: number;
  readonly #retry: RetryPolicy;
  readonly #writeConcurrency: number;
  readonly #writes: boolean;
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
    this.#retry = options.unprocessedRetry ?? UNPROCESSED_RETRY;
    this.#writeConcurrency = options.writeConcurrency ?? 16;
    this.#writes = options.writes ?? true;
    this.#counters = new GlobalCounters({ client: this.#client, table: this.#tables.profiles });
  }

  async load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot> {
    const nowS = at / 1000;
    const now = this.#now();
    const shopWide = options?.shopWide !== false;
    const current = bucketStart(at);
    const starts = shopWide
      ? Array.from(
          { length: GLOBAL_BUCKETS },
          (_, i) => current - (GLOBAL_BUCKETS - 1 - i) * GLOBAL_BUCKET_MS,
        )
      : [];
    const stale = starts.filter((start) => {
      const cached = this.#buckets.get(start);
      return start === current || !cached || now - cached.readAt > this.#globalCacheMs;
    });
    const subjects = keys
      .filter((k) => k.startsWith(SUBJECT_PREFIX))
      .map((k) => k.slice(SUBJECT_PREFIX.length));
    const pks = [
      ...new Set<string>(keys),
      ...stale.map(globalPk),
      ...subjects.map((s) => CONTROL_PREFIX + s),
    ];
    const items = await batchGetAll(this.#client, this.#tables.profiles, pks, this.#retry);

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
      const stored = item ? storedObservations(item) : [];
      if (this.#writes) this.#known.set(key, knownOf(item, stored));
      if (item) profiles.set(key, toProfile(key, stored, nowS));
    }
    const buckets: GlobalBucket[] = [];
    for (const start of starts) {
      const bucket = this.#buckets.get(start)?.bucket;
      if (bucket) buckets.push(bucket);
    }
    const controls = new Map<SubjectPseudonym, SubjectControls>();
    for (const subject of subjects) {
      const item = byPk.get(CONTROL_PREFIX + subject);
      if (item) controls.set(subject as SubjectPseudonym, toControls(item));
    }
    return {
      profiles,
      ...(shopWide ? { global: { buckets } } : {}),
      ...(controls.size > 0 ? { controls } : {}),
    };
  }

  async controls(subjects: readonly SubjectPseudonym[]): Promise<Map<SubjectPseudonym, SubjectControls>> {
    const pks = [...new Set(subjects)].map((s) => CONTROL_PREFIX + s);
    const items = await batchGetAll(this.#client, this.#tables.profiles, pks, this.#retry);
    return new Map(
      items.map((item) => [
        (item.pk as string).slice(CONTROL_PREFIX.length) as SubjectPseudonym,
        toControls(item),
      ]),
    );
  }

  async setControls(subject: SubjectPseudonym, controls: SubjectControls): Promise<void> {
    const Key = { pk: CONTROL_PREFIX + subject };
    if (!controls.objection && !controls.restriction) {
      await this.#client.send(new DeleteCommand({ TableName: this.#tables.profiles, Key }));
      return;
    }
    // No `ttl`: a control stands until the customer withdraws it.
    await this.#client.send(
      new PutCommand({ TableName: this.#tables.profiles, Item: { ...Key, ...controls } }),
    );
  }

  async observationsOf(subject: SubjectPseudonym, at: number): Promise<HeldObservation[]> {
    return (await this.#held(subject)).filter((h) => h.observation.expiresAt > at / 1000);
  }

  async forget(subject: SubjectPseudonym, kinds: readonly SignalKind[]): Promise<ForgetCounts> {
    const held = await this.#held(subject);
    const events = new Map<SignalKind, Set<string>>(kinds.map((k) => [k, new Set<string>()]));
    const byKey = new Map<ProfileKey, string[]>();
    const keep = new Set<ProfileKey>();
    for (const { key, observation: o } of held) {
      const ids = events.get(o.kind);
      if (!ids) {
        keep.add(key);
        continue;
      }
      ids.add(o.eventId);
      byKey.set(key, [...(byKey.get(key) ?? []), o.eventId]);
    }
    const subjectKey: ProfileKey = `subject#${subject}`;
    const tasks: (() => Promise<void>)[] = [];
    for (const [key, ids] of byKey) {
      if (key === subjectKey) continue;
      tasks.push(() => this.#removeObservations(key, ids));
    }
    await runLimited(tasks, this.#writeConcurrency);
    // The subject's own item last: its links are how the others are found, should this be retried.
    // Only the links it followed go (the item is not deleted): a link a concurrent writer has just
    // added leads that writer's own check to what it wrote (see forgetControlled).
    const unlinked = [...byKey.keys()].filter((k) => k !== subjectKey && !keep.has(k));
    await this.#removeObservations(subjectKey, byKey.get(subjectKey) ?? [], unlinked);
    this.#known.clear();
    return { observations: countsOf(Object.fromEntries(events)), profiles: byKey.size };
  }

  async retract(writes: readonly ProfileWrite[], unlink: boolean): Promise<void> {
    const byKey = new Map<ProfileKey, string[]>();
    for (const { observation, keys } of writes) {
      for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), observation.eventId]);
    }
    const links = unlink ? linksOf(writes) : new Map<ProfileKey, Map<ProfileKey, number>>();
    await runLimited(
      [...byKey].map(
        ([key, ids]) =>
          () =>
            this.#removeObservations(key, ids, [...(links.get(key)?.keys() ?? [])]),
      ),
      this.#writeConcurrency,
    );
    this.#known.clear();
  }

  async setAside(subject: SubjectPseudonym, held: readonly HeldObservation[]): Promise<void> {
    const byEvent = new Map<string, { observation: Observation; keys: ProfileKey[] }>();
    for (const { key, observation } of held) {
      const entry = byEvent.get(observation.eventId) ?? { observation, keys: [] };
      entry.keys.push(key);
      byEvent.set(observation.eventId, entry);
    }
    const entries = [...byEvent];
    const ttl = entries.reduce((m, [, e]) => Math.max(m, e.observation.expiresAt), 0);
    for (let i = 0; i < entries.length || i === 0; i += PATHS_PER_UPDATE) {
      const chunk = entries.slice(i, i + PATHS_PER_UPDATE);
      if (chunk.length === 0) break;
      const names: Record<string, string> = { '#held': 'held', '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, unknown> = { ':t': ttl };
      const sets = chunk.map(([id, entry], j) => {
        names[`#e${j}`] = encodeMapKey(id);
        values[`:e${j}`] = entry;
        return `#held.#e${j} = :e${j}`;
      });
      await updateMapPaths(
        this.#client,
        {
          TableName: this.#tables.profiles,
          Key: { pk: ASIDE_PREFIX + subject },
          UpdateExpression: `SET ${sets.join(', ')}, #ttl = :t`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        {
          TableName: this.#tables.profiles,
          Key: { pk: ASIDE_PREFIX + subject },
          UpdateExpression: 'SET #held = if_not_exists(#held, :empty)',
          ExpressionAttributeNames: { '#held': 'held' },
          ExpressionAttributeValues: { ':empty': {} },
        },
      );
    }
  }

  async heldAside(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    const [item] = await this.#read([ASIDE_PREFIX + subject]);
    const entries = Object.values(
      (item?.held ?? {}) as Record<string, { observation: Observation; keys: ProfileKey[] }>,
    );
    return entries.flatMap(({ observation, keys }) => keys.map((key) => ({ key, observation })));
  }

  async dropAside(subject: SubjectPseudonym): Promise<void> {
    await this.#client.send(
      new DeleteCommand({ TableName: this.#tables.profiles, Key: { pk: ASIDE_PREFIX + subject } }),
    );
  }

  /**
   * Every observation of the subject, expired ones too, with the profile holding it: the
   * subject's item (read consistently) names the other profiles in its links; each of those is
   * read and searched for the subject's pseudonym (older observations trimmed from the subject's
   * own profile may still sit in an entity's).
   */
  async #held(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    const subjectKey: ProfileKey = `subject#${subject}`;
    const [item] = await this.#read([subjectKey]);
    if (!item) return [];
    const linked = Object.keys((item.links ?? {}) as Record<string, number>).map(decodeMapKey);
    const items = [item, ...(await this.#read(linked))];
    const held: HeldObservation[] = [];
    for (const item of items) {
      for (const o of storedObservations(item)) {
        if (o.subject === subject) held.push({ key: item.pk as ProfileKey, observation: o });
      }
    }
    return held;
  }

  /** Profile items by key, read consistently and decoded without losing any map key. */
  #read(pks: readonly string[]): Promise<Item[]> {
    return batchGetAll(this.#client, this.#tables.profiles, pks, this.#retry);
  }

  /**
   * Removes observations (and links) from one item; a missing item has nothing left to remove.
   * An item the removal left with neither observations nor links (as the last update returns it)
   * is deleted: its key is a pseudonym (of a device, a card, the subject itself) that nothing may
   * hold once the subject is erased. The delete is conditioned on the item being empty, so a
   * concurrent writer's observation or link keeps it (and a writer that finds it gone creates it
   * again: see updateMapPaths).
   */
  async #removeObservations(
    key: ProfileKey,
    ids: readonly string[],
    links: readonly ProfileKey[] = [],
  ): Promise<void> {
    const paths = [
      ...ids.flatMap((id) => storedNamesOf(id).map((name) => ['#obs', name] as const)),
      ...links.map((k) => ['#links', encodeMapKey(k)] as const),
    ];
    let left: Item | undefined;
    for (let i = 0; i < paths.length; i += PATHS_PER_UPDATE) {
      const chunk = paths.slice(i, i + PATHS_PER_UPDATE);
      const names: Record<string, string> = { '#pk': 'pk' };
      const removes = chunk.map(([parent, name], j) => {
        names[parent] = parent.slice(1);
        names[`#r${j}`] = name;
        return `${parent}.#r${j}`;
      });
      const out = await ignoringConditionFailure(
        this.#client.send(
          new UpdateCommand({
            TableName: this.#tables.profiles,
            Key: { pk: key },
            UpdateExpression: `REMOVE ${removes.join(', ')}`,
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: names,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      left = out?.Attributes;
    }
    const isEmpty = (map: unknown) => Object.keys(map ?? {}).length === 0;
    if (!left || !isEmpty(left.obs) || !isEmpty(left.links)) return;
    await ignoringConditionFailure(
      this.#client.send(
        new DeleteCommand({
          TableName: this.#tables.profiles,
          Key: { pk: key },
          ConditionExpression:
            'size(#obs) = :none AND (attribute_not_exists(#links) OR size(#links) = :none)',
          ExpressionAttributeNames: { '#obs': 'obs', '#links': 'links' },
          ExpressionAttributeValues: { ':none': 0 },
        }),
      ),
    );
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
    const links = linksOf(writes);
    for (const [key, observations] of byKey) {
      tasks.push(() => this.#append(key, [...observations.values()], links.get(key)));
    }
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
    const items = await batchGetAll(
      this.#client,
      this.#tables.decisions,
      [...new Set(eventIds)],
      this.#retry,
    );
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
      this.#retry,
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

  /**
   * Appends a batch's observations to one profile: in one request when its state is known.
   *
   * @param links for a subject's profile: the entity profiles the same events went to, with the
   *   latest expiry of what links them (the map `links` of the item), so that the subject's
   *   observations can be found in every profile when the customer exercises a right
   */
  async #append(
    key: ProfileKey,
    observations: Observation[],
    links?: Map<ProfileKey, number>,
  ): Promise<void> {
    const known = this.#known.get(key);
    this.#known.delete(key);
    if (known && (await this.#appendKnown(key, observations, known, links))) return;
    await this.#appendUnknown(key, observations, links);
  }

  /**
   * The one-request write of the class comment.
   *
   * @returns false when the item was not as remembered (nothing was written then).
   */
  async #appendKnown(
    key: ProfileKey,
    observations: Observation[],
    known: KnownItem,
    links: Map<ProfileKey, number> | undefined,
  ): Promise<boolean> {
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    // An item written before it had links cannot take `links.#k` paths: the general path creates the map.
    if (links && known.exists && !known.links) return false;
    const linkSets = [...(links ?? [])].filter(([k, exp]) => exp > (known.links?.get(k) ?? 0));
    const linkRemoves = [...(known.links ?? [])]
      .filter(([k, exp]) => exp <= nowS && !links?.has(k))
      .map(([k]) => k);
    // Bounded like the observations: beyond LINKS_MAX the links that expire first go.
    const linkCount = (known.links?.size ?? 0) + linkSets.filter(([k]) => !known.links?.has(k)).length;
    if (linkCount - linkRemoves.length > LINKS_MAX) {
      const gone = new Set(linkRemoves);
      const oldest = [...(known.links ?? [])].filter(([k]) => !gone.has(k) && !links?.has(k));
      oldest.sort((a, b) => a[1] - b[1]);
      for (const [k] of oldest.slice(0, linkCount - linkRemoves.length - LINKS_MAX)) linkRemoves.push(k);
    }
    const incoming = new Set(observations.map((o) => o.eventId));
    const all = [...known.observations.filter((o) => !incoming.has(o.eventId)), ...observations];
    const removals = new Set(removable(all, nowS));
    // A new observation that is already expired or among the oldest is simply not written.
    const sets = observations.filter((o) => !removals.has(o.eventId));
    const removes = known.observations.filter((o) => removals.has(o.eventId)).map((o) => o.eventId);
    const paths = sets.length + removes.length + linkSets.length + linkRemoves.length;
    if (paths > PATHS_PER_KNOWN_UPDATE) return false;
    if (paths === 0) return true;
    const wantTtl = all.filter((o) => !removals.has(o.eventId)).reduce((m, o) => Math.max(m, o.expiresAt), 0);
    if (!known.exists) {
      const input: UpdateCommandInput = {
        TableName: this.#tables.profiles,
        Key: { pk: key },
        UpdateExpression: `SET #obs = :map, #ttl = :t${links ? ', #links = :links' : ''}`,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#obs': 'obs',
          '#ttl': TTL_ATTRIBUTE,
          ...(links ? { '#links': 'links' } : {}),
        },
        ExpressionAttributeValues: {
          ':t': wantTtl,
          ':map': Object.fromEntries(sets.map((o) => [encodeMapKey(o.eventId), encodeObservation(o)])),
          ...(links
            ? { ':links': Object.fromEntries([...links].map(([k, exp]) => [encodeMapKey(k), exp])) }
            : {}),
        },
      };
      return updateIgnoringConditionFailure(this.#client, input);
    }
    const raise = wantTtl > known.ttl ? wantTtl : undefined;
    const update = (ttl: number | undefined) =>
      knownUpdate(this.#tables.profiles, key, { sets, removes, linkSets, linkRemoves }, ttl);
    if (await updateIgnoringConditionFailure(this.#client, update(raise))) return true;
    // The item exists (it did at the load), so a failed condition is a concurrent writer that
    // raised `ttl` at least as far: the same update without the raise is as safe (removals from
    // a stale state only drop expired or oldest observations). With several shards on one hot
    // item this is common, and one more request beats the general path's several.
    return raise !== undefined && updateIgnoringConditionFailure(this.#client, update(undefined));
  }

  /** Steps 1 and 2 of the class comment for one profile whose state is not known. */
  async #appendUnknown(
    key: ProfileKey,
    observations: Observation[],
    links: Map<ProfileKey, number> | undefined,
  ): Promise<void> {
    const table = this.#tables.profiles;
    const maxExpiresAt = Math.max(...observations.map((o) => o.expiresAt));
    const create = links
      ? 'SET #obs = if_not_exists(#obs, :empty), #links = if_not_exists(#links, :empty), #ttl = if_not_exists(#ttl, :t)'
      : 'SET #obs = if_not_exists(#obs, :empty), #ttl = if_not_exists(#ttl, :t)';
    let item: Item | undefined;
    for (let i = 0; i < observations.length; i += PATHS_PER_UPDATE) {
      const chunk = observations.slice(i, i + PATHS_PER_UPDATE);
      const names: Record<string, string> = { '#obs': 'obs', '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, unknown> = { ':t': maxExpiresAt };
      const sets = chunk.map((o, j) => {
        names[`#e${j}`] = encodeMapKey(o.eventId);
        values[`:o${j}`] = encodeObservation(o);
        return `#obs.#e${j} = :o${j}`;
      });
      if (links && i === 0) {
        names['#links'] = 'links';
        [...links].forEach(([k, exp], j) => {
          names[`#l${j}`] = encodeMapKey(k);
          values[`:l${j}`] = exp;
          sets.push(`#links.#l${j} = :l${j}`);
        });
      }
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
          UpdateExpression: create,
          ExpressionAttributeNames: {
            '#obs': 'obs',
            '#ttl': TTL_ATTRIBUTE,
            ...(links ? { '#links': 'links' } : {}),
          },
          ExpressionAttributeValues: { ':empty': {}, ':t': maxExpiresAt },
        },
      );
    }
    if (!item) return;
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    const stored = storedObservations(item);
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
          chunk.forEach((id, j) => (names[`#r${j}`] = encodeMapKey(id)));
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

/** What the one-request write of a known item changes. */
interface KnownChanges {
  sets: readonly Observation[];
  removes: readonly string[];
  linkSets: readonly [ProfileKey, number][];
  linkRemoves: readonly ProfileKey[];
}

/**
 * The UpdateItem of an existing item whose state is known: set the new observations and links,
 * remove the ones pushed out, and raise `ttl` to `raise` (conditioned on it being lower) unless
 * undefined.
 */
function knownUpdate(
  table: string,
  key: ProfileKey,
  { sets, removes, linkSets, linkRemoves }: KnownChanges,
  raise: number | undefined,
): UpdateCommandInput {
  const names: Record<string, string> = { '#pk': 'pk', '#obs': 'obs' };
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  const assignments = sets.map((o, i) => {
    names[`#e${i}`] = encodeMapKey(o.eventId);
    values[`:o${i}`] = encodeObservation(o);
    return `#obs.#e${i} = :o${i}`;
  });
  let condition = 'attribute_exists(#pk)';
  if (raise !== undefined) {
    names['#ttl'] = TTL_ATTRIBUTE;
    values[':t'] = raise;
    assignments.push('#ttl = :t');
    condition += ' AND #ttl < :t';
  }
  if (linkSets.length + linkRemoves.length > 0) names['#links'] = 'links';
  linkSets.forEach(([k, exp], i) => {
    names[`#l${i}`] = encodeMapKey(k);
    values[`:l${i}`] = exp;
    assignments.push(`#links.#l${i} = :l${i}`);
  });
  if (assignments.length > 0) clauses.push(`SET ${assignments.join(', ')}`);
  removes.forEach((id, i) => (names[`#r${i}`] = encodeMapKey(id)));
  linkRemoves.forEach((k, i) => (names[`#u${i}`] = encodeMapKey(k)));
  const removals = [...removes.map((_, i) => `#obs.#r${i}`), ...linkRemoves.map((_, i) => `#links.#u${i}`)];
  if (removals.length > 0) clauses.push(`REMOVE ${removals.join(', ')}`);
  const input: UpdateCommandInput = {
    TableName: table,
    Key: { pk: key },
    UpdateExpression: clauses.join(' '),
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
  };
  if (Object.keys(values).length > 0) input.ExpressionAttributeValues = values;
  return input;
}

type ObservationMeta = Pick<Observation, 'eventId' | 'kind' | 'at' | 'expiresAt'>;

const byTime = (a: ObservationMeta, b: ObservationMeta): number =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * A stored profile item (its observations, decoded once by `load`) as the port's Profile:
 * unexpired observations, oldest first (ties by eventId), at most the newest
 * {@link PROFILE_LIMITS} of each kind (concurrent writers may leave a few more in the item until
 * the next write trims it).
 */
function toProfile(key: ProfileKey, stored: readonly Observation[], nowS: number): Profile {
  const over = new Set(removable(stored, nowS));
  return { key, observations: stored.filter((o) => !over.has(o.eventId)).sort(byTime) };
}

/** A control item as the port's SubjectControls. */
function toControls(item: Item): SubjectControls {
  const controls: SubjectControls = {};
  if (item.objection) controls.objection = item.objection as SubjectControls['objection'] & object;
  if (item.restriction) controls.restriction = item.restriction as SubjectControls['restriction'] & object;
  return controls;
}

/**
 * The short names an observation's fields are stored under. Each observation is one string
 * attribute of JSON with these names (`{"e":"ev-1","k":"login","t":…}`), not a DynamoDB map of
 * typed attributes: an item is charged by its size, attribute names included, and the SDK
 * unmarshals one string far faster than a dozen typed values, so reads and writes of the busy
 * profiles cost fewer capacity units and less CPU.
 */
const SHORT_NAMES: Readonly<Record<keyof Observation, string>> = {
  eventId: 'e',
  kind: 'k',
  at: 't',
  expiresAt: 'x',
  subject: 's',
  username: 'u',
  ip: 'i',
  network: 'n',
  device: 'd',
  userAgent: 'a',
  outcome: 'o',
  failureReason: 'f',
  country: 'c',
  lat: 'la',
  lon: 'lo',
  accuracyKm: 'r',
  hosting: 'h',
  denied: 'dn',
  sessionless: 'sl',
  probe: 'p',
  amountMinor: 'm',
  payment: 'pm',
  address: 'ad',
  accountAgeDays: 'ag',
};
const LONG_NAMES: Readonly<Record<string, keyof Observation>> = Object.fromEntries(
  Object.entries(SHORT_NAMES).map(([long, short]) => [short, long as keyof Observation]),
);

/** An observation as stored: JSON text with the short field names, without its eventId (the map key). */
export function encodeObservation(o: Observation): string {
  const short: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(o)) {
    if (value !== undefined && name !== 'eventId') short[SHORT_NAMES[name as keyof Observation]] = value;
  }
  return JSON.stringify(short);
}

/** A stored observation (and the name of its map key, see src/shared/map-keys.ts) back as the port's Observation. */
export function decodeObservation(stored: string, name: string): Observation {
  const long: Record<string, unknown> = { eventId: decodeMapKey(name) };
  for (const [name, value] of Object.entries(JSON.parse(stored) as Record<string, unknown>))
    long[LONG_NAMES[name]!] = value;
  return long as unknown as Observation;
}

/**
 * The names an observation may be stored under: its escaped key and, for an id that needed
 * escaping, the raw id too, which a store without the escaping wrote with a path update
 * (removing a name that is not there does nothing).
 */
function storedNamesOf(eventId: string): string[] {
  const name = encodeMapKey(eventId);
  return name === eventId ? [name] : [name, eventId];
}

/** Every observation an item holds, decoded. */
function storedObservations(item: Item): Observation[] {
  return Object.entries((item.obs ?? {}) as Record<string, string>).map(([name, o]) =>
    decodeObservation(o, name),
  );
}

/** What a load saw of a profile item: enough to plan the next write (see the class comment). */
interface KnownItem {
  exists: boolean;
  /** The item's `ttl` (0 when it has none). */
  ttl: number;
  /** Every observation the item held, expired ones included (they are due for removal). */
  observations: ObservationMeta[];
  /** A subject item's links (entity profile key to expiry); undefined when the item has none. */
  links?: Map<ProfileKey, number>;
}

function knownOf(item: Item | undefined, stored: readonly Observation[]): KnownItem {
  if (!item) return { exists: false, ttl: 0, observations: [] };
  const observations = stored.map(({ eventId, kind, at, expiresAt }) => ({
    eventId,
    kind,
    at,
    expiresAt,
  }));
  const known: KnownItem = {
    exists: true,
    ttl: (item[TTL_ATTRIBUTE] as number | undefined) ?? 0,
    observations,
  };
  if (item.links)
    known.links = new Map(
      Object.entries(item.links as Record<string, number>).map(([name, exp]) => [
        decodeMapKey(name) as ProfileKey,
        exp,
      ]),
    );
  return known;
}

/**
 * For each subject profile among the writes, the other profiles its events went to, with the
 * latest expiry of the observations that link them.
 */
function linksOf(writes: readonly ProfileWrite[]): Map<ProfileKey, Map<ProfileKey, number>> {
  const bySubject = new Map<ProfileKey, Map<ProfileKey, number>>();
  for (const { observation, keys } of writes) {
    const subject = keys.find((k) => k.startsWith(SUBJECT_PREFIX));
    if (!subject) continue;
    let links = bySubject.get(subject);
    if (!links) bySubject.set(subject, (links = new Map()));
    for (const key of keys) {
      if (key !== subject) links.set(key, Math.max(links.get(key) ?? 0, observation.expiresAt));
    }
  }
  return bySubject;
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
 * UpdateItem whose ConditionExpression failing means "nothing to do" rather than an error.
 *
 * @returns whether the update was applied.
 */
export async function updateIgnoringConditionFailure(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<boolean> {
  return (await ignoringConditionFailure(client.send(new UpdateCommand(input)))) !== undefined;
}

/** A conditional request whose condition failing means "nothing to do": its output, or undefined then. */
async function ignoringConditionFailure<T extends object>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (errorName(e) === 'ConditionalCheckFailedException') return undefined;
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
 * An erasure deletes a profile item left empty (see `#removeObservations`), and an item just
 * created here is empty until the update fills it: should one be deleted in between, it is
 * created again, a bounded number of times.
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
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.send(new UpdateCommand(update))).Attributes;
    } catch (e) {
      const message = (e as { message?: string } | null)?.message ?? '';
      const missingMap =
        errorName(e) === 'ValidationException' &&
        /document path provided in the update expression is invalid/i.test(message);
      if (!missingMap || attempt >= MAP_CREATE_ATTEMPTS) throw e;
    }
    await client.send(new UpdateCommand(create));
  }
}
