import { createHmac, hkdfSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile, parseKey, resolveLocalKey } from '../../src/shared/keys.ts';
import { PSEUDONYM_KINDS, Pseudonymiser, type PseudonymKind } from '../../src/shared/pseudonymise.ts';
import {
  PSEUDONYM_PATTERN,
  TEST_KEY_TEXT,
  TEST_SECRET,
  testKey,
  testPseudonymiser,
} from '../factories/pipeline.ts';

/**
 * An independent, unmemoised oracle of the documented construction: one
 * HKDF-SHA256 key per kind (salt `vigil`, info `pseudonym/<kind>`), then
 * HMAC-SHA256 of the UTF-8 value, first 128 bits in base64url after `v1:`.
 */
function referencePseudonymiser(secret: Buffer): (kind: PseudonymKind, value: string) => string {
  const kindKeys = new Map(
    PSEUDONYM_KINDS.map((kind) => [
      kind,
      Buffer.from(hkdfSync('sha256', secret, 'vigil', `pseudonym/${kind}`, 32)),
    ]),
  );
  return (kind, value) => {
    const mac = createHmac('sha256', kindKeys.get(kind)!).update(value, 'utf8').digest();
    return `v1:${mac.toString('base64url', 0, 16)}`;
  };
}

describe('Pseudonymiser', () => {
  it('gives the same pseudonym for the same kind and value, also across instances', () => {
    // Prepare
    const first = testPseudonymiser();
    const second = testPseudonymiser();

    // Act
    const a = first.of('subject', 'C1000231');
    const b = first.of('subject', 'C1000231');
    const c = second.of('subject', 'C1000231');

    // Assess
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('gives a different pseudonym for every kind of the same raw value (separate key domains)', () => {
    // Prepare
    const p = testPseudonymiser();

    // Act
    const byKind = PSEUDONYM_KINDS.map((kind) => p.of(kind, '145.53.12.7'));

    // Assess
    expect(new Set(byKind).size).toBe(PSEUDONYM_KINDS.length);
  });

  it('gives a different pseudonym under a different key', () => {
    // Prepare
    const other = Buffer.from(TEST_SECRET);
    other[0] = other[0]! ^ 0xff;
    const p = testPseudonymiser();
    const q = new Pseudonymiser(testKey({ secret: other }));

    // Act
    const mine = p.of('username', 'anna@example.nl');
    const theirs = q.of('username', 'anna@example.nl');

    // Assess
    expect(theirs).not.toBe(mine);
  });

  it('gives different pseudonyms for different values', () => {
    // Prepare
    const p = testPseudonymiser();
    const values = Array.from({ length: 1_000 }, (_, i) => `C${1_000_000 + i}`);

    // Act
    const pseudonyms = values.map((v) => p.of('subject', v));

    // Assess
    expect(new Set(pseudonyms).size).toBe(values.length);
  });

  it.each(['', 'C1000231', 'anna@example.nl', '2a02:a448:50bf::1', 'ü€😀', 'x'.repeat(300)])(
    'writes the version prefix v1: and 22 base64url characters for %j',
    (value) => {
      // Prepare
      const p = testPseudonymiser();

      // Act
      const pseudonym = p.of('device', value);

      // Assess
      expect(pseudonym).toMatch(PSEUDONYM_PATTERN);
      expect(pseudonym).toHaveLength('v1:'.length + 22);
    },
  );

  it('writes the key version in front, e.g. v2 for a rotated key', () => {
    // Prepare
    const p = new Pseudonymiser(testKey({ version: 'v2' }));

    // Act
    const pseudonym = p.of('subject', 'C1000231');

    // Assess
    expect(pseudonym).toMatch(/^v2:[A-Za-z0-9_-]{22}$/);
    expect(p.version).toBe('v2');
  });

  it('matches the documented HKDF + HMAC-SHA256 construction', () => {
    // Prepare
    const p = testPseudonymiser();
    const reference = referencePseudonymiser(TEST_SECRET);

    // Act
    const actual = PSEUDONYM_KINDS.map((kind) => p.of(kind, 'C1000231'));

    // Assess
    expect(actual).toEqual(PSEUDONYM_KINDS.map((kind) => reference(kind, 'C1000231')));
  });

  it.each([0, 16, 31])('rejects a key of %i bytes', (bytes) => {
    // Prepare
    const key = testKey({ secret: Buffer.alloc(bytes, 1) });

    // Act
    const construct = () => new Pseudonymiser(key);

    // Assess
    expect(construct).toThrow(/at least 32 bytes/);
  });

  it('accepts a key of exactly 32 bytes', () => {
    // Prepare
    const key = testKey({ secret: Buffer.alloc(32, 1) });

    // Act
    const construct = () => new Pseudonymiser(key);

    // Assess
    expect(construct).not.toThrow();
  });

  it.each(['', '1', 'V1', 'v', 'v1.0', 'v12345', 'version1', ' v1', 'v1:'])(
    'rejects the version %j',
    (version) => {
      // Prepare
      const key = testKey({ version });

      // Act
      const construct = () => new Pseudonymiser(key);

      // Assess
      expect(construct).toThrow(/version must look like v1/);
    },
  );

  it('returns the same values from its memo as an unmemoised computation, beyond the memo size', () => {
    // Prepare: 45,000 values per kind, more than the memo's two generations of 20,000 hold.
    const p = testPseudonymiser();
    const reference = referencePseudonymiser(TEST_SECRET);
    const values = Array.from({ length: 45_000 }, (_, i) => `value-${i}`);
    const kinds: PseudonymKind[] = ['session', 'ip'];
    const expected = new Map(kinds.map((kind) => [kind, values.map((v) => reference(kind, v))]));
    // Forward (fills and evicts), backward (recent hits, then evicted misses), then strided repeats.
    const order = [
      ...values.keys(),
      ...[...values.keys()].reverse(),
      ...Array.from({ length: 45_000 }, (_, i) => (i * 7_919) % values.length),
    ];

    // Act
    const mismatches: string[] = [];
    for (const kind of kinds) {
      for (const i of order) {
        if (p.of(kind, values[i]!) !== expected.get(kind)![i]) mismatches.push(`${kind}:${values[i]}`);
      }
    }

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('parseKey', () => {
  it('reads "v<N>:<base64>" into its version and secret bytes', () => {
    // Prepare
    const text = TEST_KEY_TEXT;

    // Act
    const key = parseKey(text);

    // Assess
    expect(key.version).toBe('v1');
    expect(key.secret.equals(TEST_SECRET)).toBe(true);
  });

  it('ignores surrounding whitespace such as the newline of a secret file', () => {
    // Prepare
    const text = `  ${TEST_KEY_TEXT}\n`;

    // Act
    const key = parseKey(text);

    // Assess
    expect(key.secret.equals(TEST_SECRET)).toBe(true);
  });

  it('reads the base64url spelling of the same secret', () => {
    // Prepare
    const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    const standard = `v3:${secret.toString('base64')}`;
    const urlSafe = `v3:${secret.toString('base64url')}`;

    // Act
    const a = parseKey(standard);
    const b = parseKey(urlSafe);

    // Assess
    expect(standard).not.toBe(urlSafe);
    expect(a.secret.equals(secret)).toBe(true);
    expect(b.secret.equals(secret)).toBe(true);
    expect(b.version).toBe('v3');
  });

  it.each(['', 'v1', 'v1:', '1:abcd', 'x1:abcd', 'v1:abc def', 'v1:abc!', 'v:abcd', 'v12345:abcd'])(
    'rejects %j',
    (text) => {
      // Prepare
      const input = text;

      // Act
      const parse = () => parseKey(input);

      // Assess
      expect(parse).toThrow('pseudonym key: expected "v<N>:<base64>"');
    },
  );

  it('leaves the length check to the Pseudonymiser, which rejects a short parsed key', () => {
    // Prepare
    const key = parseKey(`v1:${Buffer.alloc(8, 1).toString('base64')}`);

    // Act
    const construct = () => new Pseudonymiser(key);

    // Assess
    expect(key.secret).toHaveLength(8);
    expect(construct).toThrow(/at least 32 bytes, got 8/);
  });
});

describe('loadOrCreateKeyFile', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a random 256-bit key on first use, in a file only its owner can read or write', () => {
    // Prepare
    const path = join(dir, 'nested', '.vigil', 'pseudonym-key.json');

    // Act
    const key = loadOrCreateKeyFile(path);

    // Assess
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(key.version).toBe('v1');
    expect(key.secret).toHaveLength(32);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { version: string; secret: string };
    expect(stored).toEqual({ version: 'v1', secret: key.secret.toString('base64') });
    expect(() => new Pseudonymiser(key)).not.toThrow();
  });

  it('reuses the file afterwards, so pseudonyms stay stable between runs', () => {
    // Prepare
    const path = join(dir, 'pseudonym-key.json');
    const first = loadOrCreateKeyFile(path);
    const before = readFileSync(path, 'utf8');

    // Act
    const second = loadOrCreateKeyFile(path);

    // Assess
    expect(second.version).toBe(first.version);
    expect(second.secret.equals(first.secret)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(new Pseudonymiser(second).of('subject', 'C1000231')).toBe(
      new Pseudonymiser(first).of('subject', 'C1000231'),
    );
  });

  it('gives a different key to a different file', () => {
    // Prepare
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');

    // Act
    const keyA = loadOrCreateKeyFile(a);
    const keyB = loadOrCreateKeyFile(b);

    // Assess
    expect(keyA.secret.equals(keyB.secret)).toBe(false);
  });

  it('reads an existing well-formed file as it is', () => {
    // Prepare
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify({ version: 'v7', secret: TEST_SECRET.toString('base64') }), {
      mode: 0o600,
    });

    // Act
    const key = loadOrCreateKeyFile(path);

    // Assess
    expect(key.version).toBe('v7');
    expect(key.secret.equals(TEST_SECRET)).toBe(true);
  });

  it.each([
    [
      'a field of the wrong type',
      '{"version":1,"secret":"abc"}',
      /expected \{"version":"v1","secret":"<base64>"\}/,
    ],
    ['a missing secret', '{"version":"v1"}', /expected \{"version":"v1","secret":"<base64>"\}/],
    ['a secret that is not base64', '{"version":"v1","secret":"not base64!"}', /expected "v<N>:<base64>"/],
    ['text that is not JSON', 'v1:abc', /JSON/],
  ])('rejects a file with %s', (_what, content, message) => {
    // Prepare
    const path = join(dir, 'key.json');
    writeFileSync(path, content, { mode: 0o600 });

    // Act
    const load = () => loadOrCreateKeyFile(path);

    // Assess
    expect(load).toThrow(message);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('names the file when its fields are wrong', () => {
    // Prepare
    const path = join(dir, 'key.json');
    writeFileSync(path, '{}', { mode: 0o600 });

    // Act
    const load = () => loadOrCreateKeyFile(path);

    // Assess
    expect(load).toThrow(`pseudonym key file ${path}`);
  });

  it('refuses a key file that others can read', () => {
    // Prepare
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify({ version: 'v1', secret: TEST_SECRET.toString('base64') }), {
      mode: 0o644,
    });

    // Act
    const load = () => loadOrCreateKeyFile(path);

    // Assess
    expect(load).toThrow(/readable by others \(mode 644\); chmod 600 it/);
  });
});

describe('resolveLocalKey', () => {
  let dir: string;
  let saved: string | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
    saved = process.env.VIGIL_PSEUDONYM_KEY;
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.VIGIL_PSEUDONYM_KEY;
    else process.env.VIGIL_PSEUDONYM_KEY = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes VIGIL_PSEUDONYM_KEY when it is set, and writes no key file', () => {
    // Prepare
    process.env.VIGIL_PSEUDONYM_KEY = TEST_KEY_TEXT;
    const path = join(dir, 'pseudonym-key.json');

    // Act
    const key = resolveLocalKey(path);

    // Assess
    expect(key.version).toBe('v1');
    expect(key.secret.equals(TEST_SECRET)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('rejects a malformed VIGIL_PSEUDONYM_KEY rather than falling back to the file', () => {
    // Prepare
    process.env.VIGIL_PSEUDONYM_KEY = 'not-a-key';
    const path = join(dir, 'pseudonym-key.json');

    // Act
    const resolve = () => resolveLocalKey(path);

    // Assess
    expect(resolve).toThrow('pseudonym key: expected "v<N>:<base64>"');
    expect(existsSync(path)).toBe(false);
  });

  it('falls back to the key file when VIGIL_PSEUDONYM_KEY is unset', () => {
    // Prepare
    delete process.env.VIGIL_PSEUDONYM_KEY;
    const path = join(dir, 'pseudonym-key.json');

    // Act
    const first = resolveLocalKey(path);
    const second = resolveLocalKey(path);

    // Assess
    expect(existsSync(path)).toBe(true);
    expect(second.secret.equals(first.secret)).toBe(true);
  });
});
