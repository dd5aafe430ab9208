/**
 * A bounded memo for hot look-ups (pseudonyms, user-agent classes, geo):
 * two generations of at most `max` entries each. A hit in the old generation
 * is promoted; when the young one is full, the old one is dropped whole. O(1)
 * per call, at most 2 x `max` entries, no per-entry bookkeeping: cheaper than
 * an exact LRU and close to it for the skewed key streams of web traffic
 * (why not lru-cache: docs/adr/0008-two-generation-cache.md).
 *
 * @example
 * ```ts
 * const cache = new TwoGenerationCache<string, number>(10_000);
 * const n = cache.get('a') ?? cache.set('a', expensive('a'));
 * ```
 */
export class TwoGenerationCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  /** Stores and returns `value`. */
  set(key: K, value: V): V {
    if (this.#young.size >= this.max) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
    return value;
  }
}
