import type { Decision } from '../shared/decision.ts';
import { addWaves } from '../shared/login-waves.ts';
import type { GlobalBucket, ProfileKey, ProfileSnapshot, SubjectControls } from '../shared/profile.ts';
import type { SubjectPseudonym } from '../shared/pseudonymise.ts';
import { InMemoryProfileStore } from '../shared/memory/profiles.ts';
import type { ProfileWrite, StreamPosition } from '../shared/profile.ts';
import {
  GLOBAL_BUCKET_MS,
  GLOBAL_BUCKETS,
  type LoadOptions,
  type ProfileStore,
  bucketStart,
} from '../shared/ports/profiles.ts';
import { type DecisionLog, findEach, saveEach } from '../shared/ports/decisions.ts';

/**
 * A profile store and decision log for ONE stream batch, decorating the real (DynamoDB) ones,
 * so that the unchanged {@link Detector} reads and writes a whole batch with a
 * handful of requests:
 *
 * - {@link prefetch} reads every profile the batch touches with one `inner.load`
 *   (BatchGetItem underneath) and the decisions of its event ids (`decisions.findDecisions`);
 * - `load` serves from that cache (asking `inner` only for a key that was not prefetched);
 * - `record` applies the writes to the cache at once, so event n+1 sees event n's
 *   observations exactly as with the in-memory store, and buffers them, stamped with the
 *   stream position the consumer gave to {@link readFrom};
 * - `saveDecision` buffers; {@link flush} sends all writes in one `inner.record`
 *   (the DynamoDB adapter groups them per profile), then the decisions in one `saveDecisions`.
 *
 * The cache is an {@link InMemoryProfileStore} seeded with the fetched observations:
 * the append order, duplicate and per-kind bounding logic is the in-memory adapter's
 * own, not a copy. Shop-wide counters are the fetched buckets plus the overlay's.
 *
 * Prefetching is only an optimisation: when it fails, nothing is cached and the
 * event that needs the data asks `inner` itself, so an error surfaces at the record
 * it belongs to (and the consumer reports that record, not the whole batch).
 */
export class BatchingProfileStore implements ProfileStore, DecisionLog {
  readonly #inner: ProfileStore;
  readonly #innerDecisions: DecisionLog;
  readonly #overlay = new InMemoryProfileStore();
  /** Keys whose stored profile has been read (and seeded into the overlay). */
  readonly #fetched = new Set<ProfileKey>();
  /** The stored global buckets by start, and the hours whose 7-day window has been read. */
  readonly #buckets = new Map<number, GlobalBucket>();
  readonly #windows = new Set<number>();
  /** Decisions read from `inner` by prefetch (undefined: none stored). */
  readonly #known = new Map<string, Decision | undefined>();
  /** The controls of the subjects among the fetched keys (only those that have any). */
  readonly #controls = new Map<SubjectPseudonym, SubjectControls>();
  readonly #writes: ProfileWrite[] = [];
  #position: StreamPosition | undefined;
  readonly #decisions = new Map<string, { decision: Decision; expiresAt: number }>();

  readonly #now: () => number;

  /** @param now the processing clock (epoch ms) that buffered decisions expire by. Default `Date.now`. */
  constructor(inner: ProfileStore, decisions: DecisionLog, now: () => number = Date.now) {
    this.#inner = inner;
    this.#innerDecisions = decisions;
    this.#now = now;
  }

  /** How many writes and decisions wait for {@link flush}. */
  get pending(): { writes: number; decisions: number } {
    return { writes: this.#writes.length, decisions: this.#decisions.size };
  }

  /**
   * Reads the profiles (as of `at`, the batch's earliest event time) and the decisions
   * of the batch. Never throws: what could not be read is read again when needed.
   */
  async prefetch(keys: readonly ProfileKey[], at: number, eventIds: readonly string[] = []): Promise<void> {
    await Promise.all([
      this.#fetch([...new Set(keys)], at).catch(() => {}),
      (async () => {
        const ids = [...new Set(eventIds)];
        const found = await this.#innerDecisions.findDecisions(ids);
        for (const id of ids) this.#known.set(id, found.get(id));
      })().catch(() => {}),
    ]);
  }

  async load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot> {
    await this.#fetch(keys, at);
    const snapshot = await this.#overlay.load(keys, at, options);
    const controls = new Map<SubjectPseudonym, SubjectControls>();
    for (const key of keys) {
      const c = key.startsWith('subject#') && this.#controls.get(key.slice(8) as SubjectPseudonym);
      if (c) controls.set(key.slice(8) as SubjectPseudonym, c);
    }
    const withControls = controls.size > 0 ? { controls } : {};
    if (!snapshot.global) return { profiles: snapshot.profiles, ...withControls };
    const current = bucketStart(at);
    const oldest = current - (GLOBAL_BUCKETS - 1) * GLOBAL_BUCKET_MS;
    const merged = new Map<number, GlobalBucket>();
    for (const bucket of [...this.#buckets.values(), ...snapshot.global.buckets]) {
      if (bucket.start < oldest || bucket.start > current) continue;
      const sum = merged.get(bucket.start);
      merged.set(bucket.start, sum ? addBuckets(sum, bucket) : bucket);
    }
    const buckets = [...merged.values()].sort((a, b) => a.start - b.start);
    return { profiles: snapshot.profiles, global: { buckets }, ...withControls };
  }

  /**
   * The stream record whose event is processed next: the writes recorded from now on carry its
   * position, by which the shop-wide counters count each login once.
   */
  readFrom(position: StreamPosition): void {
    this.#position = position;
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    await this.#overlay.record(writes);
    const position = this.#position;
    this.#writes.push(...(position ? writes.map((w) => ({ ...w, position })) : writes));
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    const pending = this.#decisions.get(eventId);
    if (pending) return pending.expiresAt * 1000 > this.#now() ? pending.decision : undefined;
    if (this.#known.has(eventId)) return this.#known.get(eventId);
    return this.#innerDecisions.findDecision(eventId);
  }

  findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    return findEach(this, eventIds);
  }

  saveDecisions(decisions: readonly { decision: Decision; expiresAt: number }[]): Promise<void> {
    return saveEach(this, decisions);
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    this.#decisions.set(decision.eventId, { decision, expiresAt });
  }

  /**
   * Sends the buffered writes in one `inner.record`, then runs `afterWrites` on them (the
   * consumer's check of the privacy markers), then saves the decisions. Decisions go last: a
   * decision is the completion marker of its event, so a crash before it makes the redelivered
   * event run again (its observations are keyed by eventId) rather than be taken for a
   * duplicate whose signals were never written, or never checked against an objection that came
   * while they were being written.
   */
  async flush(
    afterWrites: (written: readonly ProfileWrite[]) => Promise<unknown> = async () => {},
  ): Promise<void> {
    const written = [...this.#writes];
    if (written.length > 0) {
      await this.#inner.record(written);
      this.#writes.length = 0;
    }
    await afterWrites(written);
    await this.#innerDecisions.saveDecisions([...this.#decisions.values()]);
    this.#decisions.clear();
  }

  /** Reads the keys not read yet (and the global window of `at` if not read yet) and seeds the overlay. */
  async #fetch(keys: readonly ProfileKey[], at: number): Promise<void> {
    const missing = keys.filter((key) => !this.#fetched.has(key));
    const window = bucketStart(at);
    if (missing.length === 0 && this.#windows.has(window)) return;
    const snapshot = await this.#inner.load(missing, at);
    // A key is only ever written after it was loaded, so the overlay holds nothing of `missing` yet.
    const seeds: ProfileWrite[] = [];
    for (const [key, profile] of snapshot.profiles) {
      for (const observation of profile.observations) seeds.push({ observation, keys: [key] });
    }
    await this.#overlay.record(seeds);
    for (const key of missing) this.#fetched.add(key);
    for (const [subject, c] of snapshot.controls ?? []) this.#controls.set(subject, c);
    for (const bucket of snapshot.global?.buckets ?? []) this.#buckets.set(bucket.start, bucket);
    this.#windows.add(window);
  }
}

function addBuckets(a: GlobalBucket, b: GlobalBucket): GlobalBucket {
  const countries = { ...a.countries };
  for (const [code, n] of Object.entries(b.countries)) countries[code] = (countries[code] ?? 0) + n;
  return {
    start: a.start,
    logins: a.logins + b.logins,
    failures: a.failures + b.failures,
    unknownUserFailures: a.unknownUserFailures + b.unknownUserFailures,
    locatedSuccesses: a.locatedSuccesses + b.locatedSuccesses,
    countries,
    ...(a.waves || b.waves ? { waves: addWaves(a.waves, b.waves) } : {}),
  };
}
