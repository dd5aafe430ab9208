import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToNative } from '@aws-sdk/util-dynamodb';

/**
 * Map keys that come from outside (event ids, and anything else a producer chooses), stored in
 * DynamoDB maps (`obs`, `held`, `links` of the profile items; see docs/storage.md).
 *
 * A producer may send the event id `__proto__` or `constructor` (the contract allows both). Used
 * as a key of a plain JavaScript object, `__proto__` is not a key at all but the object's
 * prototype: `@aws-sdk/util-dynamodb`'s `marshall` and `unmarshall` (so the document client) build
 * maps with `map[key] = value` on `{}`, and lose it on the way in and on the way out; dynalite
 * rejects a map value with a `__proto__` key. The other names of Object.prototype break every
 * `obj[key] ?? fallback` and `key in obj`. So no stored map key is ever one of those names:
 * {@link encodeMapKey} escapes them (and anything that already starts with the escape), which
 * leaves every other key as it was, so items written before this escaping read the same.
 * Escaping rather than decoding into `Map`s on our side only: every reader of the table (the
 * document client, a Scan in a console, an export) then sees every key.
 */
const ESCAPE = '~';

/**
 * The own properties of Object.prototype (ECMAScript 2024, and Annex B's `__proto__` and
 * `__defineGetter__` family). Written out rather than read from the runtime: a key must be
 * stored under the same name by every Node version.
 */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

/** The name a key is stored under in a map: itself, unless it is a prototype name or starts with `~`. */
export const encodeMapKey = (key: string): string =>
  key.startsWith(ESCAPE) || PROTOTYPE_NAMES.has(key) ? ESCAPE + key : key;

/** The key a stored map name stands for (the inverse of {@link encodeMapKey}). */
export const decodeMapKey = (name: string): string => (name.startsWith(ESCAPE) ? name.slice(1) : name);

/**
 * A DynamoDB item (or value) as plain data, like `unmarshall`, except that every map becomes an
 * object without prototype: a key such as `__proto__` (in items written before the escaping, or
 * by another writer) stays an own key, visible to `Object.entries`, rather than turning into the
 * object's prototype. The SDK's deserializer hands over `M` with such keys intact.
 */
export function unmarshallLossless(item: Record<string, AttributeValue>): Record<string, unknown> {
  return fromAttribute({ M: item }) as Record<string, unknown>;
}

function fromAttribute(value: AttributeValue): unknown {
  if (value.M) {
    const map: Record<string, unknown> = Object.create(null);
    for (const [name, v] of Object.entries(value.M)) map[name] = fromAttribute(v);
    return map;
  }
  if (value.L) return value.L.map(fromAttribute);
  return convertToNative(value);
}
