/**
 * Generated stream records for the consumer's property suite: contract-valid events of every type
 * with drawn values (prototype names among them), mixed with records that break the contract in
 * one known way each (a field's type, range or presence; the JSON; the UTF-8; the nesting; the
 * size). Every record says what must become of it: decided, or dead-lettered naming its field,
 * with none of the record's own values in the reason.
 */
import fc from 'fast-check';
import { PROTOTYPE_NAMES as OBJECT_PROTOTYPE_NAMES } from '../../src/shared/map-keys.ts';
import { FIXTURE_NOW_MS, withField } from '../factories/events.ts';

/** What the consumer must make of a record. */
export type Expectation =
  | { valid: true; eventId: string; type: 'login' | 'browse' | 'order' }
  /** `fields`: the field paths a correct reason may name; `values`: text that must never appear in it. */
  | { valid: false; fields: string[]; values: string[] };

export interface GeneratedRecord {
  partitionKey: string;
  bytes: Buffer;
  expect: Expectation;
}

/** Names that a plain object turns into its prototype's members (and `prototype`, a function's). */
export const PROTOTYPE_NAMES = [...OBJECT_PROTOTYPE_NAMES, 'prototype'];

/** Kinesis takes data blobs of up to 1 MiB. */
const MAX_RECORD_BYTES = 1024 * 1024;

const customerId = fc.oneof(
  fc.integer({ min: 1_000_000, max: 1_000_040 }).map((n) => `C${n}`),
  fc.constantFrom(...PROTOTYPE_NAMES),
);
const ip = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((v4) => `::ffff:${v4}`),
);
/** Any text of up to `max` UTF-16 units (lone surrogates included: JSON carries them escaped). */
const text = (min: number, max: number) =>
  fc.oneof(
    fc.string({ minLength: min, maxLength: max, unit: 'binary' }),
    fc.constantFrom(...PROTOTYPE_NAMES),
  );
const occurredAt = fc
  .tuple(
    fc.integer({ min: 0, max: 3 * 86_400_000 }),
    fc.constantFrom('Z', '+01:00', '-05:30', '+14:00'),
    fc.boolean(),
  )
  .map(([ago, zone, millis]) => {
    const at = new Date(FIXTURE_NOW_MS - ago);
    const offsetMin =
      zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
    const local = new Date(at.getTime() + offsetMin * 60_000).toISOString();
    return `${millis ? local.slice(0, 23) : local.slice(0, 19)}${zone}`;
  });
const country = fc.constantFrom('NL', 'BE', 'DE', 'FR', 'US', 'GB');

const envelope = fc.record(
  {
    occurredAt,
    ip,
    customerId,
    sessionId: text(1, 64),
    deviceId: text(1, 64),
    userAgent: text(0, 256),
  },
  { requiredKeys: ['occurredAt', 'ip'] },
);

const login = fc.record(
  {
    username: text(1, 128),
    outcome: fc.constantFrom('success', 'failure'),
    failureReason: fc.constantFrom('bad_password', 'unknown_user', 'locked', 'mfa_failed'),
    method: fc.constantFrom('password', 'sso', 'mfa', 'token'),
  },
  { requiredKeys: ['username', 'outcome', 'failureReason'] },
);
const browse = fc.record(
  {
    path: fc.oneof(
      fc.webPath().filter((p) => p.length > 0),
      text(1, 256),
      fc.constant('/__proto__'),
    ),
    kind: fc.constantFrom('page', 'search', 'product', 'cart', 'checkout'),
    searchQuery: text(0, 128),
  },
  { requiredKeys: ['path'] },
);
const order = fc.record(
  {
    orderId: text(1, 64),
    amountMinor: fc.integer({ min: 0, max: 5_000_000 }),
    currency: fc.constantFrom('EUR', 'USD', 'GBP'),
    itemCount: fc.integer({ min: 1, max: 50 }),
    paymentMethod: fc.constantFrom('card', 'ideal', 'paypal', 'invoice', 'bank_transfer', 'other'),
    paymentFingerprint: text(1, 64),
    billingCountry: country,
    shippingCountry: country,
    shippingAddressId: text(1, 64),
  },
  {
    requiredKeys: [
      'orderId',
      'amountMinor',
      'currency',
      'itemCount',
      'paymentMethod',
      'billingCountry',
      'shippingCountry',
    ],
  },
);

/** Unknown extra fields: ignored by the contract, whatever their names or size. */
const extras = fc.oneof(
  { weight: 60, arbitrary: fc.constant({}) },
  {
    weight: 20,
    arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES, 'x-trace'), fc.jsonValue({ maxDepth: 2 })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 900_000 }).map((n) => ({ padding: 'p'.repeat(n) })) },
);

/** A contract-valid event (without its eventId), of any type. */
const validEvent = fc
  .tuple(envelope, fc.constantFrom('login', 'browse', 'order'), login, browse, order, extras)
  .map(([env, type, l, b, o, extra]) => {
    const event: Record<string, unknown> = { ...extra, schemaVersion: 1, type, ...env };
    if (type === 'login') {
      const { failureReason, ...rest } = l;
      event.login = l.outcome === 'failure' ? { ...rest, failureReason } : rest;
      // The contract: a login names its account whenever the username belongs to one.
      if (l.outcome === 'failure' && failureReason === 'unknown_user') delete event.customerId;
      else event.customerId ??= 'C1000002';
    } else if (type === 'browse') {
      event.browse = b;
    } else {
      event.customerId ??= 'C1000001';
      event.order = o;
    }
    return event;
  });

interface Mutation {
  field: string;
  value: unknown;
}
/** One field broken in one known way; `undefined` removes a required field. */
const MUTATIONS: Record<'any' | 'login' | 'browse' | 'order', Mutation[]> = {
  any: [
    { field: 'schemaVersion', value: 2 },
    { field: 'schemaVersion', value: 'v1-QZXWV-unquoted' },
    { field: 'schemaVersion', value: undefined },
    { field: 'eventId', value: '' },
    { field: 'eventId', value: 'has space QZXWV' },
    { field: 'eventId', value: 'e'.repeat(129) },
    { field: 'type', value: 'signup-QZXWV' },
    { field: 'occurredAt', value: '1999-02-03T07:41:55' },
    { field: 'occurredAt', value: 'yesterday-QZXWV' },
    { field: 'occurredAt', value: new Date(FIXTURE_NOW_MS + 3 * 86_400_000).toISOString() },
    { field: 'ip', value: '999.12.13.14' },
    { field: 'ip', value: 'not-an-ip-QZXWV' },
    { field: 'ip', value: undefined },
    { field: 'userAgent', value: 'u'.repeat(513) },
    { field: 'deviceId', value: '' },
  ],
  login: [
    { field: 'login.username', value: '' },
    { field: 'login.username', value: undefined },
    { field: 'login.outcome', value: 'maybe-QZXWV' },
    { field: 'login.method', value: 'telepathy-QZXWV' },
    { field: 'login', value: 'login-as-text-QZXWV' },
  ],
  browse: [
    { field: 'browse.path', value: '' },
    { field: 'browse.path', value: '/'.repeat(2049) },
    { field: 'browse.kind', value: 'other-QZXWV' },
  ],
  order: [
    { field: 'order.amountMinor', value: -1 },
    { field: 'order.amountMinor', value: 12.5 },
    { field: 'order.amountMinor', value: '4995' },
    { field: 'order.currency', value: 'eur' },
    { field: 'order.itemCount', value: 0 },
    { field: 'order.paymentMethod', value: 'bitcoin-QZXWV' },
    { field: 'order.billingCountry', value: 'XQ' },
    { field: 'customerId', value: undefined },
  ],
};

/** The personal values of an event: no part of them may appear in a reason about it. */
function personalValues(event: Record<string, unknown>): string[] {
  const { login: l, browse: b, order: o } = event as Record<string, Record<string, unknown> | undefined>;
  const values = [event.customerId, event.ip, event.deviceId, event.sessionId, event.userAgent];
  values.push(l?.username, b?.path, b?.searchQuery, o?.orderId, o?.paymentFingerprint, o?.shippingAddressId);
  return values.filter((v): v is string => typeof v === 'string' && !PROTOTYPE_NAMES.includes(v));
}

/** Whether `reason` holds six or more consecutive characters of `value` (a quote, even a cut one). */
export function quotes(reason: string, value: string): boolean {
  const head = value.slice(0, 256);
  for (let i = 0; i + 6 <= head.length; i++) if (reason.includes(head.slice(i, i + 6))) return true;
  return false;
}

const utf8 = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Records that break the contract, each in one known way. */
const invalidRecord = (eventId: string): fc.Arbitrary<{ bytes: Buffer; expect: Expectation }> =>
  validEvent.chain((event) => {
    const base: Record<string, unknown> = { ...event, eventId };
    const values = personalValues(base);
    const invalid = (bytes: Buffer, fields: string[], extra: string[] = []) => ({
      bytes,
      expect: { valid: false, fields, values: [...values, ...extra] } as Expectation,
    });
    const type = base.type as 'login' | 'browse' | 'order';
    const fieldBroken = fc.constantFrom(...MUTATIONS.any, ...MUTATIONS[type]).map((m) => {
      const bad = typeof m.value === 'string' ? [m.value] : [];
      return invalid(utf8(withField(base, m.field, m.value)), [m.field], bad);
    });
    const slim = { ...base };
    delete slim.padding;
    const line = JSON.stringify(base);
    const slimLine = JSON.stringify(slim);
    const nested = (depth: number) => `"schemaVersion":${'['.repeat(depth)}${']'.repeat(depth)}`;
    const truncated = fc
      .integer({ min: 1, max: line.length - 1 })
      .map((cut) => invalid(Buffer.from(line.slice(0, cut)), ['(json)']));
    const notAnObject = fc
      .constantFrom('[]', '42', '"QZXWV-plain-text"', 'null', 'true')
      .map((json) => invalid(Buffer.from(json), ['(root)'], ['QZXWV-plain-text']));
    const latin1 = invalid(Buffer.from(slimLine.replace('"type"', '"typ\u00e9"'), 'latin1'), ['(utf8)']);
    const utf16 = invalid(Buffer.from(slimLine, 'utf16le'), ['(json)', '(utf8)']);
    const deep = fc
      .integer({ min: 100, max: 200_000 })
      .map((depth) =>
        invalid(Buffer.from(slimLine.replace('"schemaVersion":1', nested(depth))), [
          'schemaVersion',
          '(json)',
        ]),
      );
    const oversized = fc
      .integer({ min: 300_000, max: MAX_RECORD_BYTES - 4 * slimLine.length - 64 })
      .map((n) => invalid(utf8({ ...slim, userAgent: `QZXWV${'u'.repeat(n)}` }), ['userAgent']));
    const wrapped = fc
      .constantFrom(...PROTOTYPE_NAMES)
      .map((name) => invalid(Buffer.from(`{"${name}":${line}}`), ['schemaVersion']));
    // The large ones (deep nesting, near 1 MiB) are rarer: a few per batch keep the suite's run short.
    const whole = fc.oneof(
      { weight: 4, arbitrary: truncated },
      { weight: 3, arbitrary: notAnObject },
      { weight: 3, arbitrary: fc.constant(latin1) },
      { weight: 3, arbitrary: fc.constant(utf16) },
      { weight: 1, arbitrary: deep },
      { weight: 1, arbitrary: oversized },
      { weight: 3, arbitrary: wrapped },
    );
    return fc.oneof({ weight: 3, arbitrary: fieldBroken }, { weight: 2, arbitrary: whole });
  });

/** The record, shown by fast-check as one short line (a counterexample can hold megabytes). */
function labelled(record: GeneratedRecord): GeneratedRecord {
  const what = record.expect.valid
    ? `valid ${record.expect.type} ${record.expect.eventId}`
    : `breaks ${record.expect.fields.join('|')}`;
  return Object.assign(record, { [fc.toStringMethod]: () => `${what} (${record.bytes.length} bytes)` });
}

/**
 * A batch of `size` records, about a third of them invalid. Event ids are unique within a batch
 * (the prototype names come first), so every valid record must be decided once and only once.
 */
export function aRecordBatch(size: number): fc.Arbitrary<GeneratedRecord[]> {
  return fc.array(fc.integer({ min: 0, max: 2 }), { minLength: size, maxLength: size }).chain((kinds) =>
    fc.tuple(
      ...kinds.map((kind, i) => {
        const eventId = i < PROTOTYPE_NAMES.length ? PROTOTYPE_NAMES[i]! : `g.${i}:${kind}`;
        if (kind === 0) {
          return invalidRecord(eventId).map((r) => labelled({ partitionKey: `pk-${i % 7}`, ...r }));
        }
        return validEvent.map((event) => {
          const full: Record<string, unknown> = { ...event, eventId };
          const type = full.type as 'login' | 'browse' | 'order';
          const partitionKey = typeof full.customerId === 'string' ? full.customerId : String(full.ip);
          return labelled({ partitionKey, bytes: utf8(full), expect: { valid: true, eventId, type } });
        });
      }),
    ),
  );
}
