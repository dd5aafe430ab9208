import type { Decision } from '../../rules/decide.ts';
import type { GlobalBucket, Observation, Profile, ProfileKey, ProfileSnapshot } from './model.ts';
import type { ProfileWrite } from './observe.ts';
import { GLOBAL_BUCKET_MS, GLOBAL_BUCKETS, PROFILE_LIMITS, type ProfileStore } from './store.ts';

/** Bounds that keep the in-memory adapter's memory flat on any input size. */
export const MEMORY_STORE_DEFAULTS = {
  /** Least recently used profiles beyond this are forgotten. */
  maxProfiles: 400_000,
  /** Remembered decisions for duplicate detection (the newest ones). */
  maxDecisions: 200_000,
};

/**
 * The in-memory adapter of the profile store: replay, tests and the score
 * path's unit tests. Bounded in every dimension: each profile by
 * {@link PROFILE_LIMITS}, the number of profiles and remembered decisions by
 * least-recently-used eviction.
 *
 * @example
 * ```ts
 * const store = new InMemoryProfileStore({ maxProfiles: 10_000 });
 * const snapshot = await store.load(['subject#v1:abc'], Date.now());
 * ```
 */
export class InMemoryProfileStore implements ProfileStore {
  readonly #profiles = new Map<ProfileKey, Observation[]>();
  readonly #decisions = new Map<string, { decision: Decision; expiresAt: number }>();
  readonly #buckets: GlobalBucket[] = [];
  readonly #options: typeof MEMORY_STORE_DEFAULTS;

  constructor(options: Partial<typeof MEMORY_STORE_DEFAULTS> = {}) {
    this.#options = { ...MEMORY_STORE_DEFAULTS, ...options };
  }

  /** How many profiles are held (for the benchmark's memory figures). */
  get size(): number {
    return this.#profiles.size;
  }

  async load(keys: readonly ProfileKey[], at: number): Promise<ProfileSnapshot> {
    const nowS = at / 1000;
    const profiles = new Map<ProfileKey, Profile>();
    for (const key of keys) {
      const stored = this.#profiles.get(key);
      if (!stored) continue;
      // Map iteration order is insertion order: re-inserting marks it most recently used.
      this.#profiles.delete(key);
      this.#profiles.set(key, stored);
      profiles.set(key, { key, observations: unexpired(stored, nowS) });
    }
    return { profiles, global: { buckets: this.#buckets } };
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    for (const write of writes) {
      for (const key of write.keys) this.#append(key, write.observation);
      if (write.login) this.#count(write.observation.at, write.login);
    }
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    return this.#decisions.get(eventId)?.decision;
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    this.#decisions.set(decision.eventId, { decision, expiresAt });
    if (this.#decisions.size > this.#options.maxDecisions) {
      this.#decisions.delete(this.#decisions.keys().next().value!);
    }
  }

  #append(key: ProfileKey, o: Observation): void {
    let list = this.#profiles.get(key);
    if (!list) {
      list = [];
      this.#profiles.set(key, list);
      if (this.#profiles.size > this.#options.maxProfiles) {
        this.#profiles.delete(this.#profiles.keys().next().value!);
      }
    }
    if (list.some((x) => x.eventId === o.eventId)) return;
    // Keep oldest first; events mostly arrive in order, so walk back from the end.
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > o.at) i--;
    list.splice(i, 0, o);
    let sameKind = 0;
    for (const x of list) if (x.kind === o.kind) sameKind++;
    if (sameKind > PROFILE_LIMITS[o.kind])
      list.splice(
        list.findIndex((x) => x.kind === o.kind),
        1,
      );
  }

  #count(at: number, login: NonNullable<ProfileWrite['login']>): void {
    const start = Math.floor(at / GLOBAL_BUCKET_MS) * GLOBAL_BUCKET_MS;
    let bucket = this.#buckets.findLast((b) => b.start === start);
    if (!bucket) {
      bucket = { start, logins: 0, failures: 0, unknownUserFailures: 0, locatedSuccesses: 0, countries: {} };
      const i = this.#buckets.findLastIndex((b) => b.start < start) + 1;
      this.#buckets.splice(i, 0, bucket);
      const oldest = this.#buckets.at(-1)!.start - GLOBAL_BUCKETS * GLOBAL_BUCKET_MS;
      while (this.#buckets[0]!.start <= oldest) this.#buckets.shift();
    }
    bucket.logins++;
    if (login.outcome === 'failure') bucket.failures++;
    if (login.unknownUser) bucket.unknownUserFailures++;
    // Only successful logins describe where customers really are.
    if (login.outcome === 'success' && login.country) {
      bucket.locatedSuccesses++;
      bucket.countries[login.country] = (bucket.countries[login.country] ?? 0) + 1;
    }
  }
}

/** The observations not yet expired at `nowS`; the same array when none is. */
function unexpired(list: Observation[], nowS: number): readonly Observation[] {
  for (const o of list) if (o.expiresAt <= nowS) return list.filter((x) => x.expiresAt > nowS);
  return list;
}
