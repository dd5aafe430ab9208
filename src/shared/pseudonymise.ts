import { createHmac, hkdfSync } from 'node:crypto';
import { TwoGenerationCache } from './cache.ts';

/**
 * The kinds of identifier Vigil pseudonymises. Each kind has its own key
 * (derived from the master key), so a pseudonym of one kind can never be
 * joined with a pseudonym of another kind, even for the same raw text.
 */
export const PSEUDONYM_KINDS = [
  'subject',
  'username',
  'ip',
  'network',
  'device',
  'session',
  'userAgent',
  'payment',
  'address',
] as const;
export type PseudonymKind = (typeof PSEUDONYM_KINDS)[number];

/** A keyed, versioned pseudonym: `v1:` followed by 22 base64url characters (128 bits of HMAC-SHA256). */
export type Pseudonym = string & { readonly __brand: 'Pseudonym' };
/** The pseudonym of a customer: the subject of profiles, alerts and rights requests. */
export type SubjectPseudonym = Pseudonym;

/** A master key and the version label written in front of every pseudonym made with it. */
export interface PseudonymKey {
  /** Short label such as `v1`; a rotation introduces `v2` beside it. */
  version: string;
  /** At least 32 bytes of secret key material. */
  secret: Buffer;
}

const MIN_KEY_BYTES = 32;
const VERSION_PATTERN = /^v[0-9]{1,4}$/;

/**
 * Turns raw identifiers into keyed pseudonyms (HMAC-SHA256, truncated to 128 bits).
 *
 * Why HMAC and not a plain hash: customer numbers, IPv4 addresses and e-mail
 * addresses are small or guessable spaces, so an unkeyed hash is reversible by
 * enumeration. With a secret key the pseudonym is only linkable by whoever holds
 * the key (GDPR art. 4(5); see also ENISA, "Pseudonymisation techniques and best
 * practices", 2019, section 5.2).
 *
 * @example
 * ```ts
 * const p = new Pseudonymiser({ version: 'v1', secret: randomBytes(32) });
 * p.of('subject', 'C1000231'); // 'v1:Qm9...' (22 chars after the prefix)
 * ```
 */
export class Pseudonymiser {
  readonly version: string;
  readonly #keys: Record<PseudonymKind, Buffer>;
  /**
   * Sessions, addresses, devices and customers recur event after event, so a
   * bounded memo of recent pseudonyms saves most HMAC computations. It holds
   * raw identifiers only in this process's memory, as the parser does anyway.
   */
  readonly #memo = Object.fromEntries(
    PSEUDONYM_KINDS.map((kind) => [kind, new TwoGenerationCache<string, Pseudonym>(20_000)]),
  ) as Record<PseudonymKind, TwoGenerationCache<string, Pseudonym>>;

  constructor(key: PseudonymKey) {
    if (!VERSION_PATTERN.test(key.version)) {
      throw new Error(`pseudonym key version must look like v1, got ${JSON.stringify(key.version)}`);
    }
    if (key.secret.length < MIN_KEY_BYTES) {
      throw new Error(`pseudonym key must have at least ${MIN_KEY_BYTES} bytes, got ${key.secret.length}`);
    }
    this.version = key.version;
    const keys = {} as Record<PseudonymKind, Buffer>;
    for (const kind of PSEUDONYM_KINDS) {
      // One derived key per kind (RFC 5869 HKDF): separate key domains.
      keys[kind] = Buffer.from(hkdfSync('sha256', key.secret, 'vigil', `pseudonym/${kind}`, 32));
    }
    this.#keys = keys;
  }

  /** The pseudonym of `value` in the key domain of `kind`. */
  of(kind: PseudonymKind, value: string): Pseudonym {
    const memo = this.#memo[kind];
    return memo.get(value) ?? memo.set(value, this.#compute(kind, value));
  }

  #compute(kind: PseudonymKind, value: string): Pseudonym {
    const mac = createHmac('sha256', this.#keys[kind]).update(value, 'utf8').digest();
    return `${this.version}:${mac.toString('base64url', 0, 16)}` as Pseudonym;
  }
}
