import type { DynamoClient } from '../aws.ts';
import type {
  Observation,
  Profile,
  ProfileKey,
  ProfileSnapshot,
  ProfileWrite,
  SubjectControls,
} from '../profile.ts';
import type { LoadOptions, ProfileStore } from '../ports/profiles.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import { type RetryPolicy, UNPROCESSED_RETRY, batchGetAll } from './batch.ts';
import { GlobalCounters, globalPk } from './counters.ts';
import {
  controlPk,
  linksOf,
  storedObservations,
  subjectOfKey,
  toControls,
  toProfile,
} from './profile-items.ts';
import { type KnownItem, ProfileItemWriter, knownOf } from './profile-writes.ts';
import { settleLimited } from './updates.ts';

/** Profiles whose last-read state is remembered for the next write; beyond it the memory starts over. */
const KNOWN_MAX = 50_000;

export interface DynamoProfileStoreOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoClient;
  /** The profiles table's name, from `tableNames(stage)` (src/shared/tables.ts). */
  table: string;
  /** The processing clock (epoch ms) the shop-wide counters' cache goes by. Default `Date.now`. */
  now?: () => number;
  /** How long past (closed) hourly counters are served from memory. Default 5 minutes. */
  globalCacheMs?: number;
  /** How what DynamoDB leaves of a batch read unprocessed is sent again. Default {@link UNPROCESSED_RETRY}. */
  unprocessedRetry?: RetryPolicy;
  /** Parallel UpdateItem requests per `record`. Default 16. */
  writeConcurrency?: number;
  /**
   * Whether this store writes (default true). One that only reads (the score endpoint, the
   * analysts' routes) keeps nothing of what it read for a next write. A write still works then,
   * by the general path.
   */
  writes?: boolean;
}

/**
 * The DynamoDB adapter of the profile store: one item per profile in the profiles table, its
 * observations in the map `obs` keyed by eventId, and the shop-wide counters in hour items
 * beside them ({@link GlobalCounters}). A load reads the profiles, the subjects' controls and the
 * counters in one BatchGetItem, and remembers what it saw of each item so that `record` can send
 * one UpdateItem per profile ({@link ProfileItemWriter}). docs/storage.md describes the items and
 * why concurrent writers lose nothing.
 *
 * @example
 * ```ts
 * const store = new DynamoProfileStore({ client: dynamoClient(), table: tableNames('prod').profiles });
 * const snapshot = await store.load(['ip#v1:abc'], Date.now());
 * ```
 */
export class DynamoProfileStore implements ProfileStore {
  readonly #client: DynamoClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #retry: RetryPolicy;
  readonly #writeConcurrency: number;
  readonly #writes: boolean;
  readonly #counters: GlobalCounters;
  readonly #writer: ProfileItemWriter;
  /** What the last load saw of each profile item, for the next write. */
  readonly #known = new Map<ProfileKey, KnownItem>();

  constructor(options: DynamoProfileStoreOptions) {
    const { client, table } = options;
    this.#client = client;
    this.#table = table;
    this.#now = options.now ?? Date.now;
    this.#retry = options.unprocessedRetry ?? UNPROCESSED_RETRY;
    this.#writeConcurrency = options.writeConcurrency ?? 16;
    this.#writes = options.writes ?? true;
    const cacheMs = options.globalCacheMs;
    this.#counters = new GlobalCounters({ client, table, ...(cacheMs === undefined ? {} : { cacheMs }) });
    this.#writer = new ProfileItemWriter({ client, table });
  }

  async load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot> {
    const now = this.#now();
    const shopWide = options?.shopWide !== false;
    const hours = shopWide ? this.#counters.toRead(at, now) : [];
    const subjects = keys.map(subjectOfKey).filter((s) => s !== undefined);
    const pks = [...new Set<string>(keys), ...hours.map(globalPk), ...subjects.map(controlPk)];
    const items = await batchGetAll(this.#client, this.#table, pks, this.#retry);
    const byPk = new Map(items.map((item) => [item.pk as string, item]));

    if (this.#known.size > KNOWN_MAX) this.#known.clear();
    const profiles = new Map<ProfileKey, Profile>();
    for (const key of keys) {
      const item = byPk.get(key);
      const stored = item ? storedObservations(item) : [];
      if (this.#writes) this.#known.set(key, knownOf(item, stored));
      if (item) profiles.set(key, toProfile(key, stored, at / 1000));
    }
    const controls = new Map<SubjectPseudonym, SubjectControls>();
    for (const subject of subjects) {
      const item = byPk.get(controlPk(subject));
      if (item) controls.set(subject, toControls(item));
    }
    return {
      profiles,
      ...(shopWide ? { global: { buckets: this.#counters.week(at, now, hours, byPk) } } : {}),
      ...(controls.size > 0 ? { controls } : {}),
    };
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
    const links = linksOf(writes);
    const tasks = [...byKey].map(([key, observations]) => () => {
      const known = this.#known.get(key);
      this.#known.delete(key);
      return this.#writer.append(key, [...observations.values()], links.get(key), known);
    });
    tasks.push(() => this.#counters.add(writes));
    await settleLimited(tasks, this.#writeConcurrency);
  }
}
