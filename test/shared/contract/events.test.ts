import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MAX_FUTURE_MS,
  VigilEventSchema,
  parseEvent,
  parseEventLine,
  rfc3339ToMs,
  type FailureReason,
  type ParseResult,
} from '../../../src/shared/contract/events.ts';
import {
  FIXTURE_NOW_MS,
  aBrowse,
  aFailedLogin,
  aLogin,
  anOrder,
  toLine,
  withField,
} from '../../factories/events.ts';
import { crowdsecPeersDir, devSetPath } from '../../../bench/shared-data.ts';

const NOW = FIXTURE_NOW_MS;
const DEV_SET = devSetPath();
const CROWDSEC_DIR = crowdsecPeersDir();

/** The failure branch of `result`, failing the test when it is a success. */
function rejected(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) throw new Error(`expected a rejection, got ok for ${JSON.stringify(result.event)}`);
  return result;
}

/** The success branch of `result`, failing the test (with the reason) when it is a rejection. */
function accepted(result: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return result;
}

describe('contract examples', () => {
  const examples = [
    '{"schemaVersion":1,"eventId":"ev-0001","type":"login","occurredAt":"2026-11-24T09:15:02+01:00","ip":"145.53.12.7","customerId":"C1000231","deviceId":"d-7f3a","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36","login":{"username":"anna@example.nl","outcome":"success","method":"password"}}',
    '{"schemaVersion":1,"eventId":"ev-0002","type":"browse","occurredAt":"2026-11-24T09:15:40+01:00","ip":"145.53.12.7","customerId":"C1000231","sessionId":"s-91","browse":{"path":"/glasvezel/abonnementen","kind":"page"}}',
    '{"schemaVersion":1,"eventId":"ev-0003","type":"order","occurredAt":"2026-11-24T09:21:13+01:00","ip":"145.53.12.7","customerId":"C1000231","deviceId":"d-7f3a","order":{"orderId":"O-88121","amountMinor":4995,"currency":"EUR","itemCount":1,"paymentMethod":"ideal","billingCountry":"NL","shippingCountry":"NL","accountCreatedAt":"2021-03-02T10:00:00Z"}}',
  ];

  it.each(examples)('accepts the example %s unchanged', (line) => {
    // Prepare
    const expected: unknown = JSON.parse(line);

    // Act
    const result = accepted(parseEventLine(line, NOW));

    // Assess
    expect(result.event).toEqual(expected);
    expect(result.occurredAtMs).toBe(Date.parse((expected as { occurredAt: string }).occurredAt));
  });

  it('accepts the factory defaults, which are the examples', () => {
    // Prepare
    const events = [
      aLogin(),
      aBrowse(),
      anOrder(),
      aFailedLogin('unknown_user'),
      aFailedLogin('bad_password'),
    ];

    // Act
    const results = events.map((e) => parseEvent(e, NOW));

    // Assess
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});

describe('schemaVersion', () => {
  it.each([
    [2, 'schemaVersion: unsupported version; this consumer accepts 1'],
    ['1', 'schemaVersion: expected the number 1, got string'],
    [0, 'schemaVersion: unsupported version; this consumer accepts 1'],
    [1.5, 'schemaVersion: unsupported version; this consumer accepts 1'],
    [null, 'schemaVersion: expected the number 1, got null'],
    [undefined, 'schemaVersion: required'],
  ])('rejects schemaVersion %j', (version, message) => {
    // Prepare
    const input = withField(aLogin(), 'schemaVersion', version);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('schemaVersion');
    expect(result.error).toBe(message);
  });

  it('reports the version before anything else, even an unknown type', () => {
    // Prepare
    const input = withField(withField(aLogin(), 'schemaVersion', 2), 'type', 'signup');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('schemaVersion: unsupported version; this consumer accepts 1');
  });

  it('accepts 1.0 on the wire, which JSON reads as the integer 1', () => {
    // Prepare
    const line = toLine(aBrowse()).replace('"schemaVersion":1', '"schemaVersion":1.0');

    // Act
    const result = parseEventLine(line, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('eventId', () => {
  it.each([['a'], ['x'.repeat(128)], ['ev-0001'], ['A.b_c:d-9']])('accepts %s', (eventId) => {
    // Prepare
    const input = aLogin({ eventId });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([['x'.repeat(129)], [''], ['ev 1'], ['ev/1'], ['ev#1'], ['évé'], [42], [null]])(
    'rejects %j',
    (eventId) => {
      // Prepare
      const input = withField(aLogin(), 'eventId', eventId);

      // Act
      const result = rejected(parseEvent(input, NOW));

      // Assess
      expect(result.field).toBe('eventId');
      expect(result.error).toMatch(/^eventId: expected .*1–128 chars of \[A-Za-z0-9._:-\]$/);
      expect(result.eventId).toBeUndefined();
    },
  );

  it('reports a missing eventId as required', () => {
    // Prepare
    const input = withField(anOrder(), 'eventId', undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('eventId: required');
    expect('eventId' in result).toBe(false);
  });

  it('echoes a valid eventId on a rejection so callers can report it', () => {
    // Prepare
    const input = withField(anOrder({ eventId: 'ev-echo' }), 'order.amountMinor', -1);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.eventId).toBe('ev-echo');
    expect(result.error).toBe('order.amountMinor: expected integer ≥ 0');
  });
});

describe('type', () => {
  it.each([['signup'], ['Login'], [''], [1]])('rejects type %j', (type) => {
    // Prepare
    const input = withField(aLogin(), 'type', type);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('type');
    expect(result.error).toBe('type: expected one of login, browse, order');
  });

  it('reports a missing type as required', () => {
    // Prepare
    const input = withField(aLogin(), 'type', undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('type: required');
  });

  it('needs the object that belongs to the type', () => {
    // Prepare
    const input = { ...withField(aBrowse(), 'type', 'login'), login: undefined };

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('login: required for type login');
  });
});

describe('occurredAt', () => {
  it.each([
    ['2026-11-24T09:15:02Z', Date.UTC(2026, 10, 24, 9, 15, 2)],
    ['2026-11-24T09:15:02z', Date.UTC(2026, 10, 24, 9, 15, 2)],
    ['2026-11-24t09:15:02+01:00', Date.UTC(2026, 10, 24, 8, 15, 2)],
    ['2026-10-24T23:59:59.123+02:00', Date.UTC(2026, 9, 24, 21, 59, 59, 123)],
    ['2026-10-24T23:59:59.1-05:30', Date.UTC(2026, 9, 25, 5, 29, 59, 100)],
    ['2026-10-24T23:59:59.123456789Z', Date.UTC(2026, 9, 24, 23, 59, 59, 123)],
    ['2026-11-24T09:15:02-00:00', Date.UTC(2026, 10, 24, 9, 15, 2)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2001-01-01T00:00:00Z', Date.UTC(2001, 0, 1)],
  ])('accepts %s as the instant %d', (occurredAt, expectedMs) => {
    // Prepare
    const input = aLogin({ occurredAt });

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.occurredAtMs).toBe(expectedMs);
    expect(result.event.occurredAt).toBe(occurredAt);
  });

  it('compares instants, not strings, across the end of summer time', () => {
    // Prepare
    const summer = aLogin({ occurredAt: '2026-10-25T02:30:00+02:00' });
    const winter = aLogin({ occurredAt: '2026-10-25T02:30:00+01:00' });

    // Act
    const a = accepted(parseEvent(summer, NOW));
    const b = accepted(parseEvent(winter, NOW));

    // Assess
    expect(a.occurredAtMs).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(b.occurredAtMs - a.occurredAtMs).toBe(60 * 60 * 1000);
  });

  it.each([
    ['2026-11-24T09:15:02', 'missing offset'],
    ['2026-11-24 09:15:02', 'missing offset'],
    ['2026-11-24', 'date without time'],
    ['2026-02-30T10:00:00Z', 'out of range'],
    ['2026-02-29T10:00:00Z', 'out of range'],
    ['2026-13-01T10:00:00Z', 'out of range'],
    ['2026-11-24T25:00:00Z', 'out of range'],
    ['2026-11-24T23:60:00Z', 'out of range'],
    ['2026-12-31T23:59:60Z', 'out of range'],
    ['2026-11-24T09:15:02+24:00', 'out of range'],
    ['2026-11-24T09:15:02+0100', 'expected RFC 3339'],
    ['2026-11-24T09:15:02.+01:00', 'expected RFC 3339'],
    ['2026-11-24T09:15Z', 'expected RFC 3339'],
    ['Tue, 24 Nov 2026 09:15:02 GMT', 'expected RFC 3339'],
    ['', 'expected RFC 3339'],
  ])('rejects %j (%s)', (occurredAt, problem) => {
    // Prepare
    const input = aLogin({ occurredAt });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('occurredAt');
    expect(result.error.startsWith('occurredAt: ')).toBe(true);
    expect(result.error).toContain(problem);
  });

  it('rejects a numeric epoch', () => {
    // Prepare
    const input = withField(aLogin(), 'occurredAt', 1795508473000);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('occurredAt: expected RFC 3339 timestamp string');
  });

  it.each([
    ['exactly 24 h ahead', MAX_FUTURE_MS, true],
    ['1 ms under 24 h ahead', MAX_FUTURE_MS - 1, true],
    ['1 ms over 24 h ahead', MAX_FUTURE_MS + 1, false],
    ['a year ahead', 365 * MAX_FUTURE_MS, false],
    ['25 years old', -25 * 365 * MAX_FUTURE_MS, true],
  ])('judges an event %s of the processing clock', (_label, aheadMs, ok) => {
    // Prepare
    const occurredAt = new Date(NOW + aheadMs).toISOString().replace('Z', '+00:00');
    const input = aLogin({ occurredAt });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.error).toBe('occurredAt: more than 24 h in the future');
  });

  it('applies the future bound to the instant, whatever the offset', () => {
    // Prepare: 2026-11-26T02:00+02:00 is 00:00Z, exactly 24 h after NOW
    const input = aLogin({ occurredAt: '2026-11-26T02:00:00.000+02:00' });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('agrees with Date.parse on a sweep of valid timestamps', () => {
    // Prepare
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const samples: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const date = new Date(Date.UTC(1970 + random(130), 0, 1) + random(366 * 86_400_000));
      const offset =
        random(3) === 0 ? 'Z' : `${random(2) === 0 ? '+' : '-'}${pad(random(15))}:${pad(random(4) * 15)}`;
      const fraction = random(2) === 0 ? '' : `.${pad(random(1000), 3)}`;
      samples.push(`${date.toISOString().slice(0, 19)}${fraction}${offset}`);
    }

    // Act
    const mismatches = samples.filter((s) => rfc3339ToMs(s) !== Date.parse(s));

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('ip', () => {
  it.each([
    ['145.53.12.7'],
    ['::ffff:145.53.12.7'],
    ['2001:db8::1'],
    ['2a02:a44a:1234:0:a1b2:c3d4:e5f6:789'],
    ['::'],
  ])('accepts %s and passes it through unchanged', (ip) => {
    // Prepare
    const input = aLogin({ ip });

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.event.ip).toBe(ip);
  });

  it.each([
    ['999.1.1.1'],
    ['145.53.12'],
    ['01.2.3.4'],
    [' 145.53.12.7'],
    ['145.53.12.7:443'],
    ['fe80::1%eth0'],
    ['2001:db8:::1'],
    ['localhost'],
    [''],
  ])('rejects %j without echoing it', (ip) => {
    // Prepare
    const input = aLogin({ ip });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('ip');
    expect(result.error).toBe('ip: not an IPv4 or IPv6 address');
  });

  it.each([[2442333191], [null], [['145.53.12.7']]])('rejects the non-string %j', (ip) => {
    // Prepare
    const input = withField(aLogin(), 'ip', ip);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('ip: expected IPv4 or IPv6 address string');
  });

  it('reports a missing ip as required', () => {
    // Prepare
    const input = withField(aBrowse(), 'ip', undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('ip: required');
  });
});

describe('optional envelope strings', () => {
  const limits = [
    ['customerId', 128],
    ['sessionId', 128],
    ['deviceId', 128],
  ] as const;

  it.each(limits)('accepts %s of 1 and of %d chars', (field, max) => {
    // Prepare
    const short = withField(aBrowse(), field, 'c');
    const long = withField(aBrowse(), field, 'c'.repeat(max));

    // Act
    const results = [parseEvent(short, NOW), parseEvent(long, NOW)];

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it.each(limits)('rejects %s of max+1 chars, empty, a number and null', (field, max) => {
    // Prepare
    const inputs = ['c'.repeat(max + 1), '', 1000231, null].map((v) => withField(aBrowse(), field, v));

    // Act
    const errors = inputs.map((input) => rejected(parseEvent(input, NOW)).error);

    // Assess
    expect(errors).toEqual(Array(4).fill(`${field}: expected string of 1–128 chars`));
  });

  it('accepts a browse without customerId (anonymous visitor) and without sessionId', () => {
    // Prepare
    const input = aBrowse({ customerId: undefined, sessionId: undefined });

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect('customerId' in result.event).toBe(false);
  });

  it.each([[''], ['u'.repeat(512)]])('accepts a userAgent of %#: length 0 or 512', (userAgent) => {
    // Prepare
    const input = aLogin({ userAgent });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('rejects a userAgent of 513 chars', () => {
    // Prepare
    const input = aLogin({ userAgent: 'u'.repeat(513) });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('userAgent: expected string of at most 512 chars');
  });
});

describe('login', () => {
  it.each([['u'], ['u'.repeat(256)]])('accepts a username of %#: length 1 or 256', (username) => {
    // Prepare
    const input = aLogin({ login: { username } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([['u'.repeat(257)], [''], [17]])('rejects the username %#', (username) => {
    // Prepare
    const input = withField(aLogin(), 'login.username', username);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('login.username');
    expect(result.error).toBe('login.username: expected string of 1–256 chars');
  });

  it.each([
    ['login.username', 'login.username: required'],
    ['login.outcome', 'login.outcome: required'],
    ['login', 'login: required for type login'],
  ])('reports a missing %s', (path, message) => {
    // Prepare
    const input = withField(aLogin(), path, undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(message);
  });

  it('rejects a login that is not an object', () => {
    // Prepare
    const input = withField(aLogin(), 'login', 'anna@example.nl');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('login: expected object');
  });

  it.each([
    ['login.outcome', 'ok', 'login.outcome: expected one of success, failure'],
    ['login.method', 'magic_link', 'login.method: expected one of password, sso, mfa, token'],
  ])('rejects %s %j', (path, value, message) => {
    // Prepare
    const input = withField(aLogin(), path, value);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(message);
  });

  it('accepts a login without method', () => {
    // Prepare
    const input = aLogin({ login: { method: undefined } });

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.event.type === 'login' && 'method' in result.event.login).toBe(false);
  });

  it('rejects an unknown failureReason without piling on customerId complaints', () => {
    // Prepare
    const failed = aFailedLogin('bad_password', { customerId: undefined });
    const input = withField(failed, 'login.failureReason', 'expired');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(
      'login.failureReason: expected one of bad_password, unknown_user, locked, mfa_failed',
    );
  });

  it('rejects a failureReason on a successful login', () => {
    // Prepare
    const input = aLogin({ login: { outcome: 'success', failureReason: 'bad_password' } });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('login.failureReason');
    expect(result.error).toBe('login.failureReason: only allowed when login.outcome is failure');
  });

  it('rejects a failure without failureReason', () => {
    // Prepare
    const input = aLogin({ login: { outcome: 'failure' } });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('login.failureReason: required when login.outcome is failure');
  });

  it.each(['bad_password', 'locked', 'mfa_failed'] as FailureReason[])(
    'accepts a %s failure with customerId',
    (reason) => {
      // Prepare
      const input = aFailedLogin(reason);

      // Act
      const result = accepted(parseEvent(input, NOW));

      // Assess
      expect(result.event.customerId).toBe('C1000231');
    },
  );

  it.each(['bad_password', 'locked', 'mfa_failed'] as FailureReason[])(
    'rejects a %s failure without customerId: the account exists',
    (reason) => {
      // Prepare
      const input = aFailedLogin(reason, { customerId: undefined });

      // Act
      const result = rejected(parseEvent(input, NOW));

      // Assess
      expect(result.field).toBe('customerId');
      expect(result.error).toBe(
        `customerId: required when login.failureReason is ${reason} (the account exists)`,
      );
    },
  );

  it('accepts an unknown_user failure without customerId', () => {
    // Prepare
    const input = aFailedLogin('unknown_user');

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('rejects a customerId on an unknown_user failure', () => {
    // Prepare
    const input = aFailedLogin('unknown_user', { customerId: 'C1000231' });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('customerId');
    expect(result.error).toBe(
      'customerId: must be absent when login.failureReason is unknown_user (no account exists)',
    );
  });

  it('rejects a successful login without customerId', () => {
    // Prepare
    const input = aLogin({ customerId: undefined });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('customerId: required when login.outcome is success');
  });
});

describe('browse', () => {
  it.each([['/'], ['/' + 'p'.repeat(2047)]])('accepts a path of %#: length 1 or 2048', (path) => {
    // Prepare
    const input = aBrowse({ browse: { path } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['/' + 'p'.repeat(2048), 'browse.path: expected string of 1–2048 chars'],
    ['', 'browse.path: expected string of 1–2048 chars'],
    [undefined, 'browse.path: required'],
    ['/zoeken?q=anna', 'browse.path: must not contain a query string (path only)'],
  ])('rejects the path %#', (path, message) => {
    // Prepare
    const input = withField(aBrowse(), 'browse.path', path);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(message);
  });

  it('rejects an unknown kind', () => {
    // Prepare
    const input = withField(aBrowse(), 'browse.kind', 'landing');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('browse.kind: expected one of page, search, product, cart, checkout');
  });

  it.each([[''], ['q'.repeat(256)]])('accepts a searchQuery of %#: length 0 or 256', (searchQuery) => {
    // Prepare
    const input = aBrowse({ browse: { kind: 'search', searchQuery } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('rejects a searchQuery of 257 chars', () => {
    // Prepare
    const input = aBrowse({ browse: { kind: 'search', searchQuery: 'q'.repeat(257) } });

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('browse.searchQuery: expected string of at most 256 chars');
  });

  it('reports a missing browse object', () => {
    // Prepare
    const input = withField(aBrowse(), 'browse', undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('browse: required for type browse');
  });
});

describe('order', () => {
  it.each([[0], [4995], [Number.MAX_SAFE_INTEGER]])('accepts amountMinor %d', (amountMinor) => {
    // Prepare
    const input = anOrder({ order: { amountMinor } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([[49.95], [-1], ['4995'], [null], [true], [2 ** 53]])('rejects amountMinor %j', (amountMinor) => {
    // Prepare
    const input = withField(anOrder(), 'order.amountMinor', amountMinor);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('order.amountMinor');
    expect(result.error).toBe('order.amountMinor: expected integer ≥ 0');
  });

  it.each([
    ['order.orderId', 'order.orderId: required'],
    ['order.amountMinor', 'order.amountMinor: required'],
    ['order.currency', 'order.currency: required'],
    ['order.itemCount', 'order.itemCount: required'],
    ['order.paymentMethod', 'order.paymentMethod: required'],
    ['order.billingCountry', 'order.billingCountry: required'],
    ['order.shippingCountry', 'order.shippingCountry: required'],
    ['order', 'order: required for type order'],
    ['customerId', 'customerId: required for type order'],
  ])('reports a missing %s', (path, message) => {
    // Prepare
    const input = withField(anOrder(), path, undefined);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(message);
  });

  it.each([['EUR'], ['USD'], ['GBP'], ['CHF']])('accepts currency %s', (currency) => {
    // Prepare
    const input = anOrder({ order: { currency } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([['eur'], ['EURO'], ['XYZ'], ['NLG'], [''], [978]])('rejects currency %j', (currency) => {
    // Prepare
    const input = withField(anOrder(), 'order.currency', currency);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(
      'order.currency: expected ISO 4217 currency code (3 upper-case letters, e.g. EUR)',
    );
  });

  it.each([[0], [-2], [1.5], ['1']])('rejects itemCount %j', (itemCount) => {
    // Prepare
    const input = withField(anOrder(), 'order.itemCount', itemCount);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe('order.itemCount: expected integer ≥ 1');
  });

  it('accepts itemCount 1 and 250', () => {
    // Prepare
    const inputs = [anOrder({ order: { itemCount: 1 } }), anOrder({ order: { itemCount: 250 } })];

    // Act
    const results = inputs.map((i) => parseEvent(i, NOW).ok);

    // Assess
    expect(results).toEqual([true, true]);
  });

  it('rejects an unknown paymentMethod', () => {
    // Prepare
    const input = withField(anOrder(), 'order.paymentMethod', 'crypto');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).toBe(
      'order.paymentMethod: expected one of card, ideal, paypal, invoice, bank_transfer, other',
    );
  });

  it.each([
    ['billingCountry', 'UK'],
    ['billingCountry', 'XX'],
    ['billingCountry', 'nl'],
    ['shippingCountry', 'NLD'],
    ['shippingCountry', 'XK'],
    ['shippingCountry', 'EU'],
  ])('rejects order.%s %s', (field, code) => {
    // Prepare
    const input = withField(anOrder(), `order.${field}`, code);

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe(`order.${field}`);
    expect(result.error).toBe(
      `order.${field}: expected assigned ISO 3166-1 alpha-2 country code (upper case, e.g. NL)`,
    );
  });

  it('accepts GB billing with US shipping', () => {
    // Prepare
    const input = anOrder({ order: { billingCountry: 'GB', shippingCountry: 'US' } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['orderId', 128],
    ['paymentFingerprint', 128],
    ['shippingAddressId', 128],
  ])('bounds order.%s to 1–%d chars', (field, max) => {
    // Prepare
    const ok = withField(anOrder(), `order.${field}`, 'i'.repeat(max));
    const tooLong = withField(anOrder(), `order.${field}`, 'i'.repeat(max + 1));
    const empty = withField(anOrder(), `order.${field}`, '');

    // Act
    const results = [parseEvent(ok, NOW), parseEvent(tooLong, NOW), parseEvent(empty, NOW)];

    // Assess
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
      'ok',
      `order.${field}: expected string of 1–128 chars`,
      `order.${field}: expected string of 1–128 chars`,
    ]);
  });

  it('accepts an order without the optional fields', () => {
    // Prepare
    const input = anOrder({
      order: { accountCreatedAt: undefined, paymentFingerprint: undefined, shippingAddressId: undefined },
    });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([['2021-03-02'], ['2021-03-02T10:00:00'], ['2021-02-30T10:00:00Z'], [1614679200000]])(
    'rejects accountCreatedAt %j',
    (accountCreatedAt) => {
      // Prepare
      const input = withField(anOrder(), 'order.accountCreatedAt', accountCreatedAt);

      // Act
      const result = rejected(parseEvent(input, NOW));

      // Assess
      expect(result.field).toBe('order.accountCreatedAt');
      expect(result.error.startsWith('order.accountCreatedAt: ')).toBe(true);
    },
  );

  it('accepts accountCreatedAt with offset and milliseconds', () => {
    // Prepare
    const input = anOrder({ order: { accountCreatedAt: '2021-03-02T10:00:00.250+01:00' } });

    // Act
    const result = parseEvent(input, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('unknown fields', () => {
  it('strips unknown top-level fields', () => {
    // Prepare
    const input = { ...aLogin(), password: 'hunter2', schemaVersionMinor: 3 };

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.event).not.toHaveProperty('password');
    expect(result.event).not.toHaveProperty('schemaVersionMinor');
  });

  it('strips unknown fields inside login, browse and order', () => {
    // Prepare
    const login = withField(aLogin(), 'login.password', 'hunter2');
    const browse = withField(aBrowse(), 'browse.referrer', 'https://example.org/?q=anna');
    const order = withField(anOrder(), 'order.cardNumber', '4111111111111111');

    // Act
    const events = [login, browse, order].map((input) => accepted(parseEvent(input, NOW)).event);

    // Assess
    expect(events[0]).not.toHaveProperty('login.password');
    expect(events[1]).not.toHaveProperty('browse.referrer');
    expect(events[2]).not.toHaveProperty('order.cardNumber');
    expect(JSON.stringify(events)).not.toMatch(/hunter2|4111111111111111|example\.org/);
  });

  it("strips another type's object", () => {
    // Prepare
    const input = { ...aLogin(), order: anOrder().order };

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.event).not.toHaveProperty('order');
  });

  it('strips a JSON __proto__ key without touching prototypes', () => {
    // Prepare
    const line = toLine(aBrowse()).replace('{', '{"__proto__":{"isAdmin":true},');

    // Act
    const result = accepted(parseEventLine(line, NOW));

    // Assess
    expect(Object.keys(result.event)).not.toContain('__proto__');
    expect((result.event as unknown as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('returns a new object and leaves the input untouched', () => {
    // Prepare
    const input = { ...anOrder(), extra: 1 };

    // Act
    const result = accepted(parseEvent(input, NOW));

    // Assess
    expect(result.event).not.toBe(input);
    expect(input.extra).toBe(1);
  });
});

describe('error reporting', () => {
  it.each([
    [null, 'null'],
    [[], 'array'],
    ['ev-0001', 'string'],
    [42, 'number'],
    [undefined, 'undefined'],
  ])('rejects the non-object %j at the root', (input, kind) => {
    // Prepare
    const now = NOW;

    // Act
    const result = rejected(parseEvent(input, now));

    // Assess
    expect(result.field).toBe('(root)');
    expect(result.error).toBe(`(root): expected a JSON object, got ${kind}`);
    expect(result.eventId).toBeUndefined();
  });

  it.each([['{"schemaVersion":1,'], ['not json'], [''], ['{"a":1}}']])('rejects the bad JSON %j', (line) => {
    // Prepare
    const now = NOW;

    // Act
    const result = rejected(parseEventLine(line, now));

    // Assess
    expect(result.field).toBe('(json)');
    expect(result.error).toBe('(json): invalid JSON; expected one JSON object per record');
    expect(result.error).not.toContain('\n');
  });

  it('does not copy the raw line into a JSON error', () => {
    // Prepare
    const line = '{"login":{"username":"anna.secret@example.nl"} oops';

    // Act
    const result = rejected(parseEventLine(line, NOW));

    // Assess
    expect(result.error).not.toContain('anna.secret');
  });

  it('ignores a leading byte-order mark', () => {
    // Prepare
    const line = '\uFEFF' + toLine(aBrowse());

    // Act
    const result = parseEventLine(line, NOW);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('reports the first problem in contract order and counts the rest', () => {
    // Prepare
    let input = withField(anOrder(), 'order.amountMinor', -5);
    input = withField(input, 'order.shippingCountry', 'UK');
    input = withField(input, 'ip', 'nope');

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.field).toBe('ip');
    expect(result.error).toBe('ip: not an IPv4 or IPv6 address (+2 more)');
  });

  it('is deterministic for the same input', () => {
    // Prepare
    const input = withField(withField(aLogin(), 'login.outcome', 'maybe'), 'deviceId', '');

    // Act
    const first = parseEvent(input, NOW);
    const second = parseEvent(structuredClone(input), NOW);

    // Assess
    expect(second).toEqual(first);
  });

  it('never echoes personal values in the error', () => {
    // Prepare
    const input = withField(withField(aLogin(), 'ip', 'anna@example.nl'), 'login.username', 'x'.repeat(300));

    // Act
    const result = rejected(parseEvent(input, NOW));

    // Assess
    expect(result.error).not.toContain('anna@example.nl');
    expect(result.error).not.toContain('xxx');
  });

  it('gives the same named issues through the bare schema', () => {
    // Prepare
    const input = withField(anOrder(), 'order.itemCount', 0);

    // Act
    const result = VigilEventSchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['order', 'itemCount']);
    expect(result.error?.issues[0]?.message).toBe('expected integer ≥ 1');
  });
});

/** Every line of `text` that parseEventLine rejects, as `line N: error` (at most 10). */
function rejectedLines(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line.trim() === '') continue;
    const result = parseEventLine(line, NOW);
    if (!result.ok && problems.length < 10) problems.push(`line ${i + 1}: ${result.error}`);
  }
  return problems;
}

describe('data sets', () => {
  it('accepts every event of the development set', (ctx) => {
    // Prepare
    ctx.skip(
      !existsSync(DEV_SET),
      `development set not found at ${DEV_SET} (set VIGIL_SHARED_DIR to the shared data folder)`,
    );
    const text = gunzipSync(readFileSync(DEV_SET)).toString('utf8');

    // Act
    const problems = rejectedLines(text);

    // Assess
    expect(text.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  const peers = existsSync(CROWDSEC_DIR)
    ? readdirSync(CROWDSEC_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(CROWDSEC_DIR, d.name, 'events.ndjson')))
        .map((d) => d.name)
        .sort()
    : [];

  it('finds the crowdsec peer sets', (ctx) => {
    // Prepare
    ctx.skip(
      !existsSync(CROWDSEC_DIR),
      `crowdsec peer sets not found at ${CROWDSEC_DIR} (set VIGIL_SHARED_DIR to the shared data folder)`,
    );

    // Act
    const count = peers.length;

    // Assess
    expect(count).toBeGreaterThan(0);
  });

  it.each(peers)('accepts every event of the crowdsec peer set %s', (name) => {
    // Prepare
    const text = readFileSync(join(CROWDSEC_DIR, name, 'events.ndjson'), 'utf8');

    // Act
    const problems = rejectedLines(text);

    // Assess
    expect(problems).toEqual([]);
  });
});
