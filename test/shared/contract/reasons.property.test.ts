/**
 * A rejection reason names the field and what was expected, and never quotes a value: reasons
 * end up in dead letters, logs and CLI output, and the values are personal data. Checked over
 * generated records (contract events with random strings and numbers in random fields) and
 * generated invalid JSON text (cut, garbled or random), through the contract's line parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventLine } from '../../../src/shared/contract/events.ts';
import { FIXTURE_NOW_MS, aBrowse, aLogin, anOrder, toLine, withField } from '../../factories/events.ts';

/**
 * The contract's own words (field names, enumerations, its messages): a reason may repeat those.
 * Taken from the sources that write the reasons (every module of the contract's folder), so a new
 * message needs no list kept beside it.
 */
const CONTRACT_DIR = new URL('../../../src/shared/contract/', import.meta.url);
const CONTRACT_WORDS = readdirSync(CONTRACT_DIR)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => readFileSync(new URL(name, CONTRACT_DIR), 'utf8'))
  .join('\n');

/** Every field a producer writes, by dotted path. */
const FIELDS = [
  'schemaVersion',
  'eventId',
  'type',
  'occurredAt',
  'ip',
  'customerId',
  'sessionId',
  'deviceId',
  'userAgent',
  'login',
  'login.username',
  'login.outcome',
  'login.failureReason',
  'login.method',
  'browse',
  'browse.path',
  'browse.kind',
  'browse.searchQuery',
  'order',
  'order.orderId',
  'order.amountMinor',
  'order.currency',
  'order.itemCount',
  'order.paymentMethod',
  'order.paymentFingerprint',
  'order.billingCountry',
  'order.shippingCountry',
  'order.shippingAddressId',
  'order.accountCreatedAt',
] as const;

const value = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(true, false, null),
);

const base = fc.constantFrom(aLogin, aBrowse, anOrder).map((make) => make() as Record<string, unknown>);

/** A record and the values generated into it. */
interface Generated {
  line: string;
  values: string[];
}

/** A contract event with 1–4 fields replaced by random values (or removed). */
const record: fc.Arbitrary<Generated> = fc
  .tuple(
    base,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(value, { nil: undefined })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([event, changes]) => ({
    line: toLine(changes.reduce((e, [path, v]) => withField(e, path, v), event)),
    values: changes.flatMap(([, v]) => (v === undefined || v === null ? [] : [String(v)])),
  }));

/** Text that is not JSON (mostly): a record cut short, a record with a character replaced, or anything. */
const invalidJson: fc.Arbitrary<Generated> = fc.oneof(
  fc.tuple(record, fc.nat()).map(([r, n]) => ({
    ...r,
    line: r.line.slice(0, 1 + (n % (r.line.length - 1))),
  })),
  fc.tuple(record, fc.nat(), fc.constantFrom('x', '}', '"', ',', ' abc')).map(([r, n, c]) => {
    const i = n % r.line.length;
    return { ...r, line: r.line.slice(0, i) + c + r.line.slice(i + 1) };
  }),
  fc.string({ minLength: 1, maxLength: 200 }).map((line) => ({ line, values: [line] })),
);

/**
 * The substrings (3 characters or more) of `values` that a reason holds and the contract does not.
 * The count of further problems (` (+2 more)`) is left out: joined to the message before it, it
 * could make up text that is in neither.
 */
function quoted(error: string, values: readonly string[]): string[] {
  const reason = error.replace(/ \(\+\d+ more\)$/, '');
  const found = new Set<string>();
  for (const v of values) {
    for (let i = 0; i + 3 <= v.length; i++) {
      for (let j = i + 3; j <= v.length; j++) {
        const part = v.slice(i, j);
        if (!reason.includes(part)) break;
        if (!CONTRACT_WORDS.includes(part)) found.add(part);
      }
    }
  }
  return [...found];
}

describe('rejection reasons', () => {
  it('never quote a value of the record', () => {
    fc.assert(
      fc.property(record, ({ line, values }) => {
        // Prepare
        const now = FIXTURE_NOW_MS;

        // Act
        const result = parseEventLine(line, now);

        // Assess
        if (result.ok) return;
        expect(quoted(result.error, values)).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never quote invalid JSON text', () => {
    fc.assert(
      fc.property(invalidJson, ({ line, values }) => {
        // Prepare
        const now = FIXTURE_NOW_MS;

        // Act
        const result = parseEventLine(line, now);

        // Assess
        if (result.ok) return;
        expect(quoted(result.error, values)).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });
});
