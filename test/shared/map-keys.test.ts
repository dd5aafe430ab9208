import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PROTOTYPE_NAMES,
  decodeMapKey,
  encodeMapKey,
  unmarshallLossless,
} from '../../src/shared/map-keys.ts';

describe('map keys', () => {
  it("names every property of this runtime's Object.prototype", () => {
    // Prepare
    const names = Object.getOwnPropertyNames(Object.prototype);

    // Act
    const missing = names.filter((name) => !PROTOTYPE_NAMES.has(name));

    // Assess
    expect(missing).toEqual([]);
  });

  it('never stores a key under a prototype name, and gives every key back as it was', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, '~', '~__proto__', '~~'), fc.string()),
        (key) => {
          // Act
          const name = encodeMapKey(key);

          // Assess
          expect(PROTOTYPE_NAMES.has(name)).toBe(false);
          expect(decodeMapKey(name)).toBe(key);
        },
      ),
    );
  });

  it('leaves keys that need no escaping as they are (items stored before read the same)', () => {
    // Act
    const names = ['ev-1', 'f-000001', 'subject#v1:abc', 'Constructor'].map(encodeMapKey);

    // Assess
    expect(names).toEqual(['ev-1', 'f-000001', 'subject#v1:abc', 'Constructor']);
  });

  it('unmarshals a map with a __proto__ key into an own key, at any depth', () => {
    // Prepare: as the SDK's deserializer hands it over
    const inner = JSON.parse('{"__proto__":{"S":"hidden"},"toString":{"N":"1"}}');

    // Act
    const item = unmarshallLossless({ pk: { S: 'p' }, obs: { M: inner }, list: { L: [{ M: inner }] } });

    // Assess
    const obs = item.obs as Record<string, unknown>;
    expect(Object.entries(obs)).toEqual([
      ['__proto__', 'hidden'],
      ['toString', 1],
    ]);
    expect(Object.getPrototypeOf(obs)).toBeNull();
    expect(Object.keys((item.list as object[])[0]!)).toEqual(['__proto__', 'toString']);
  });
});
