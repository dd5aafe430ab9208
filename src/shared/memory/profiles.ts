import { browseCounts } from '../browse-waves.ts';
import { waveCounts } from '../login-waves.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import type {
  GlobalBucket,
  Observation,
  Profile,
  ProfileKey,
  ProfileSnapshot,
  ProfileWrite,
  SignalKind,
  SubjectControls,
} from '../profile.ts';
import {
  GLOBAL_BUCKETS,
  GLOBAL_BUCKET_MS,
  type LoadOptions,
  PROFILE_LIMITS,
  type ProfileStore,
  bucketStart,
} from '../ports/profiles.ts';

/** Bounds that keep the in-memory adapter's memory flat on any input size. */
export const MEMORY_PROFILES_DEFAULTS = {
  /** Beyond this many profiles, the least recently written half is forgotten. */
  maxProfiles: 250_000,
};

/**
 * A stored profile with the bookkeeping that keeps reads and writes O(1) in
 * the common case. It is a Profile itself, handed to the rules as it is when
 * nothing in it has expired (the rules only read it).
 */
interface StoredProfile extends Profile {
  /** Oldest first. */
  readonly observations: Observation[];
  /** How many observations of each kind `observations` holds. */
  counts: Record<SignalKind, number>;
  /** At most the earliest `expiresAt` in `observations` (a lower bound): until then a read needs no filtering. */
  minExpiresAt: number;
  /** A write counter value: the higher, the more recently written. */
  written: number;
}

/**
 * The in-memory adapter of the profile store: replay, the benchmarks, the consumer's per-batch
 * cache and tests. Bounded in every dimension: each profile by {@link PROFILE_LIMITS}, the
 * number of profiles by least-recently-written eviction.
 *
 * @example
 * ```ts
 * const store = new InMemoryProfileStore({ maxProfiles: 10_000 });
 * const snapshot = await store.load(['subject#v1:abc'], Date.now());
 * ```
 */
export class InMemoryProfileStore implements ProfileStore {
  /** The profiles by key, for an adapter of another port over the same memory. */
  protected readonly profiles = new Map<ProfileKey, StoredProfile>();
  readonly #buckets: GlobalBucket[] = [];
  /** The shop-wide counters as every snapshot shows them: the buckets themselves, read as they grow. */
  readonly #global = { buckets: this.#buckets };
  readonly #maxProfiles: number;
  #writes = 0;

  constructor(options: Partial<typeof MEMORY_PROFILES_DEFAULTS> = {}) {
    this.#maxProfiles = options.maxProfiles ?? MEMORY_PROFILES_DEFAULTS.maxProfiles;
  }

  /** How many profiles are held (for the benchmark's memory figures). */
  get size(): number {
    return this.profiles.size;
  }

  async load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot> {
    const nowS = at / 1000;
    const profiles = new Map<ProfileKey, Profile>();
    let controls: Map<SubjectPseudonym, SubjectControls> | undefined;
    for (const key of keys) {
      if (key.startsWith('subject#')) {
        const subject = key.slice(8) as SubjectPseudonym;
        const c = this.controlsOf(subject);
        if (c) (controls ??= new Map()).set(subject, c);
      }
      const stored = this.profiles.get(key);
      if (!stored) continue;
      if (stored.minExpiresAt <= nowS) {
        stored.minExpiresAt = stored.observations.reduce((m, o) => Math.min(m, o.expiresAt), Infinity);
      }
      profiles.set(
        key,
        stored.minExpiresAt > nowS
          ? stored
          : { key, observations: stored.observations.filter((o) => o.expiresAt > nowS) },
      );
    }
    const snapshot: { -readonly [K in keyof ProfileSnapshot]: ProfileSnapshot[K] } = { profiles };
    if (options?.shopWide !== false) snapshot.global = this.#global;
    if (controls) snapshot.controls = controls;
    return snapshot;
  }

  /** A subject's controls: none here (replay has no rights requests); an adapter that keeps them overrides it. */
  protected controlsOf(_subject: SubjectPseudonym): SubjectControls | undefined {
    return undefined;
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    for (const write of writes) {
      let added = false;
      for (const key of write.keys) added = this.#append(key, write.observation) || added;
      // An event recorded again (a redelivered batch) is not counted again.
      if (added && (write.login || write.browse)) this.#count(write);
    }
  }

  /** @returns whether the observation was new to the profile. */
  #append(key: ProfileKey, o: Observation): boolean {
    let stored = this.profiles.get(key);
    if (!stored) {
      if (this.profiles.size >= this.#maxProfiles) this.#evict();
      stored = {
        key,
        observations: [],
        counts: { login: 0, browse: 0, search: 0, order: 0 },
        minExpiresAt: Infinity,
        written: 0,
      };
      this.profiles.set(key, stored);
    }
    stored.written = ++this.#writes;
    const list = stored.observations;
    // Keep oldest first, ties in arrival order; events mostly arrive in order, so walk back
    // from the end. The same event delivered twice has the same time: look among the ties.
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > o.at) i--;
    for (let j = i - 1; j >= 0 && list[j]!.at === o.at; j--) if (list[j]!.eventId === o.eventId) return false;
    if (i === list.length) list.push(o);
    else list.splice(i, 0, o);
    if (o.expiresAt < stored.minExpiresAt) stored.minExpiresAt = o.expiresAt;
    if (++stored.counts[o.kind] > PROFILE_LIMITS[o.kind]) {
      // minExpiresAt stays a valid lower bound; load() tightens it when it is reached.
      list.splice(
        list.findIndex((x) => x.kind === o.kind),
        1,
      );
      stored.counts[o.kind]--;
    }
    return true;
  }

  /**
   * Forgets the least recently written half of the profiles. One O(n) pass
   * per n/2 new profiles keeps eviction O(1) amortised, without the per-write
   * reordering an exact LRU needs.
   */
  #evict(): void {
    const written = [...this.profiles.values()].map((s) => s.written).sort((a, b) => a - b);
    const cutoff = written[written.length >> 1]!;
    for (const [key, stored] of this.profiles) if (stored.written <= cutoff) this.profiles.delete(key);
  }

  #count({ observation: { at }, login, browse }: ProfileWrite): void {
    const bucket = this.#bucketAt(at);
    const waves = (bucket.waves ??= {});
    const names = browse ? browseCounts(browse, at) : [];
    if (login) {
      bucket.logins++;
      if (login.outcome === 'failure') bucket.failures++;
      if (login.unknownUser) bucket.unknownUserFailures++;
      // Only successful logins describe where customers really are.
      if (login.outcome === 'success' && login.country) {
        bucket.locatedSuccesses++;
        bucket.countries[login.country] = (bucket.countries[login.country] ?? 0) + 1;
      }
      names.push(...waveCounts(login, at));
    }
    for (const name of names) waves[name] = (waves[name] ?? 0) + 1;
  }

  /** The hour bucket that holds `at`, made when missing (the week before the newest one kept). */
  #bucketAt(at: number): GlobalBucket {
    const start = bucketStart(at);
    let bucket = this.#buckets.findLast((b) => b.start === start);
    if (!bucket) {
      bucket = { start, logins: 0, failures: 0, unknownUserFailures: 0, locatedSuccesses: 0, countries: {} };
      const i = this.#buckets.findLastIndex((b) => b.start < start) + 1;
      this.#buckets.splice(i, 0, bucket);
      const oldest = this.#buckets.at(-1)!.start - GLOBAL_BUCKETS * GLOBAL_BUCKET_MS;
      while (this.#buckets[0]!.start <= oldest) this.#buckets.shift();
    }
    return bucket;
  }
}
