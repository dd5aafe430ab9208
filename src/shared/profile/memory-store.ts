import type { Decision } from '../decision.ts';
import { TwoGenerationCache } from '../cache.ts';
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
  findEach,
  saveEach,
} from './store.ts';

/** Bounds that keep the in-memory adapter's memory flat on any input size. */
export const MEMORY_STORE_DEFAULTS = {
  /** Beyond this many profiles, the least recently written half is forgotten. */
  maxProfiles: 250_000,
  /** Remembered decisions for duplicate detection: between this many and twice as many of the newest. */
  maxDecisions: 100_000,
  /**
   * The processing clock (epoch ms) that remembered decisions expire by: the detector's own, so
   * that a decision saved at its clock's time plus `DECISION_MEMORY_DAYS` is found for that long
   * by the same clock (as `DynamoProfileStore`'s `now`).
   */
  now: (): number => Date.now(),
};

/**
 * A stored profile with the bookkeeping that keeps reads and writes O(1) in
 * the common case. It is a Profile itself, handed to the rules as it is when
 * nothing in it has expired (the rules only read it).
 */
interface Stored extends Profile {
  /** Oldest first. */
  readonly observations: Observation[];
  /** How many observations of each kind `list` holds. */
  counts: Record<SignalKind, number>;
  /** At most the earliest `expiresAt` in `list` (a lower bound): until then a read needs no filtering. */
  minExpiresAt: number;
  /** A write counter value: the higher, the more recently written. */
  written: number;
}

/**
 * The in-memory adapter of the profile store: replay, tests and the score
 * path's unit tests. Bounded in every dimension: each profile by
 * {@link PROFILE_LIMITS}, the number of profiles and remembered decisions by
 * least-recently-written eviction.
 *
 * @example
 * ```ts
 * const store = new InMemoryProfileStore({ maxProfiles: 10_000 });
 * const snapshot = await store.load(['subject#v1:abc'], Date.now());
 * ```
 */
export class InMemoryProfileStore implements ProfileStore, SubjectDataStore {
  readonly #profiles = new Map<ProfileKey, Stored>();
  readonly #controls = new Map<SubjectPseudonym, SubjectControls>();
  readonly #aside = new Map<SubjectPseudonym, HeldObservation[]>();
  /**
   * Kept as JSON text: a duplicate is rare, and a string is one small object for
   * the garbage collector where a decision is a tree of them. Two generations,
   * because deleting a Map's oldest entry one at a time is not O(1) in V8
   * (iteration has to skip the holes the deletions leave at the front).
   */
  readonly #decisions: TwoGenerationCache<string, { json: string; expiresAt: number }>;
  readonly #buckets: GlobalBucket[] = [];
  readonly #options: typeof MEMORY_STORE_DEFAULTS;
  #writes = 0;

  constructor(options: Partial<typeof MEMORY_STORE_DEFAULTS> = {}) {
    this.#options = { ...MEMORY_STORE_DEFAULTS, ...options };
    this.#decisions = new TwoGenerationCache(this.#options.maxDecisions);
  }

  /** How many profiles are held (for the benchmark's memory figures). */
  get size(): number {
    return this.#profiles.size;
  }

  async load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot> {
    const nowS = at / 1000;
    const profiles = new Map<ProfileKey, Profile>();
    for (const key of keys) {
      const stored = this.#profiles.get(key);
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
    const controls = new Map<SubjectPseudonym, SubjectControls>();
    for (const key of keys) {
      const subject = key.startsWith('subject#') ? (key.slice(8) as SubjectPseudonym) : undefined;
      const c = subject && this.#controls.get(subject);
      if (c) controls.set(subject, c);
    }
    return {
      profiles,
      ...(options?.shopWide === false ? {} : { global: { buckets: this.#buckets } }),
      ...(controls.size > 0 ? { controls } : {}),
    };
  }

  async controls(subjects: readonly SubjectPseudonym[]): Promise<Map<SubjectPseudonym, SubjectControls>> {
    const found = new Map<SubjectPseudonym, SubjectControls>();
    for (const subject of subjects) {
      const c = this.#controls.get(subject);
      if (c) found.set(subject, c);
    }
    return found;
  }

  async setControls(subject: SubjectPseudonym, controls: SubjectControls): Promise<void> {
    if (controls.objection || controls.restriction) this.#controls.set(subject, structuredClone(controls));
    else this.#controls.delete(subject);
  }

  /** Looks through every profile: the in-memory adapter serves replay and tests, where that is cheap enough. */
  async observationsOf(subject: SubjectPseudonym, at: number): Promise<HeldObservation[]> {
    const held: HeldObservation[] = [];
    for (const [key, stored] of this.#profiles) {
      for (const o of stored.observations) {
        if (o.subject === subject && o.expiresAt > at / 1000) held.push({ key, observation: o });
      }
    }
    return held;
  }

  async forget(subject: SubjectPseudonym, kinds: readonly SignalKind[]): Promise<ForgetCounts> {
    const events = Object.fromEntries(kinds.map((k) => [k, new Set<string>()])) as Record<
      SignalKind,
      Set<string>
    >;
    let profiles = 0;
    for (const stored of this.#profiles.values()) {
      const before = stored.observations.length;
      for (let i = stored.observations.length - 1; i >= 0; i--) {
        const o = stored.observations[i]!;
        if (o.subject !== subject || !events[o.kind]) continue;
        events[o.kind].add(o.eventId);
        stored.observations.splice(i, 1);
        stored.counts[o.kind]--;
      }
      if (stored.observations.length < before) profiles++;
    }
    return { observations: countsOf(events), profiles };
  }

  async retract(writes: readonly ProfileWrite[]): Promise<void> {
    for (const { observation, keys } of writes) {
      for (const key of keys) {
        const stored = this.#profiles.get(key);
        const i = stored?.observations.findIndex((o) => o.eventId === observation.eventId) ?? -1;
        if (i < 0) continue;
        stored!.observations.splice(i, 1);
        stored!.counts[observation.kind]--;
      }
    }
  }

  async setAside(subject: SubjectPseudonym, held: readonly HeldObservation[]): Promise<void> {
    this.#aside.set(subject, [...(this.#aside.get(subject) ?? []), ...held]);
  }

  async heldAside(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    return [...(this.#aside.get(subject) ?? [])];
  }

  async dropAside(subject: SubjectPseudonym): Promise<void> {
    this.#aside.delete(subject);
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    for (const write of writes) {
      let added = false;
      for (const key of write.keys) added = this.#append(key, write.observation) || added;
      // An event recorded again (a redelivered batch) is not counted again.
      if (write.login && added) this.#count(write.observation.at, write.login);
    }
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    const kept = this.#decisions.get(eventId);
    return kept && kept.expiresAt * 1000 > this.#options.now()
      ? (JSON.parse(kept.json) as Decision)
      : undefined;
  }

  findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    return findEach(this, eventIds);
  }

  saveDecisions(decisions: readonly { decision: Decision; expiresAt: number }[]): Promise<void> {
    return saveEach(this, decisions);
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    this.#decisions.set(decision.eventId, { json: JSON.stringify(decision), expiresAt });
  }

  /** @returns whether the observation was new to the profile. */
  #append(key: ProfileKey, o: Observation): boolean {
    let stored = this.#profiles.get(key);
    if (!stored) {
      if (this.#profiles.size >= this.#options.maxProfiles) this.#evict();
      stored = {
        key,
        observations: [],
        counts: { login: 0, browse: 0, search: 0, order: 0 },
        minExpiresAt: Infinity,
        written: 0,
      };
      this.#profiles.set(key, stored);
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
    const written = [...this.#profiles.values()].map((s) => s.written).sort((a, b) => a - b);
    const cutoff = written[written.length >> 1]!;
    for (const [key, stored] of this.#profiles) if (stored.written <= cutoff) this.#profiles.delete(key);
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
