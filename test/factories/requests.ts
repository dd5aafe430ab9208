/**
 * fast-check arbitraries of HTTP requests to the APIs, well-formed and not: every route and
 * caller, near-miss and encoded paths, query parameters with known, unknown and
 * prototype-member names, odd headers and content types, and bodies from valid events to
 * malformed, deeply nested, oversized and mis-encoded ones.
 *
 * Every value that comes from the "caller" carries a marker, `MK` and 8 letters or digits,
 * so that a test can check that no answer repeats any of them (`markersOf`). Names that may
 * be repeated as a field name (`colour: unknown parameter`) carry none; names that look like
 * no field name do, and must be withheld.
 */
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/shared/roles.ts';
import { ROUTES, type RouteId, type RouteSpec } from '../../src/api/routes.ts';
import { withField } from './events.ts';
import { aRecentOrder } from './api.ts';
import { PROTOTYPE_NAMES } from '../support/generated-records.ts';

export type Caller = Role | 'no token' | 'unknown token' | 'malformed';

export interface GeneratedRequest {
  caller: Caller;
  method: string;
  /** The route whose path was the starting point (the request may have strayed from it). */
  route: RouteId;
  /** Path and query, encoded. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const MARKER = /MK[a-z0-9]{8}/g;

/** The markers of every caller-chosen value in a request. */
export const markersOf = (request: GeneratedRequest): string[] => [
  ...new Set(
    [request.target, JSON.stringify(request.headers), request.body?.toString('latin1') ?? '']
      .join(' ')
      .match(MARKER) ?? [],
  ),
];

const marker = fc.stringMatching(/^[a-z0-9]{8}$/).map((s) => `MK${s}`);
/** A caller's free text: a marker, maybe with more around it (spaces, non-ASCII, markup). */
const markedText = fc
  .tuple(
    fc.constantFrom('', 'é ', '<b>', '../', "' OR 1=1 --", '\u202e'),
    marker,
    fc.constantFrom('', ' x', '€', '"'),
  )
  .map(([a, m, b]) => `${a}${m}${b}`);
const longMarkedText = marker.map((m) => `${m}${'y'.repeat(3000)}`);

const ROUTE_IDS = Object.keys(ROUTES) as RouteId[];
const QUERY_NAMES = [
  ...new Set(ROUTE_IDS.flatMap((id) => Object.keys((ROUTES[id] as RouteSpec).query?.shape ?? {}))),
];

/** Values the known parameters take, and values they do not. */
const queryValue = fc.oneof(
  fc.constantFrom('open', 'closed', 'review', 'deny', 'order', 'login', 'BRUTE_FORCE', '0', '80', '100', '1'),
  fc.constantFrom(
    '2026-11-20T10:00:00Z',
    '2026-11-20T10:00:00+01:00',
    '2000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
  ),
  fc.constantFrom('', '-1', '1e3', '0x10', '99999999999999999999', 'NaN', ...PROTOTYPE_NAMES),
  markedText,
  longMarkedText,
);

const queryName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...QUERY_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('colour', 'x', 'Limit', 'limit[]', 'a.b', '') },
  { weight: 1, arbitrary: markedText.map((t) => `${t} ?`) },
);

const query = fc
  .oneof(fc.constant([]), fc.array(fc.tuple(queryName, queryValue), { minLength: 1, maxLength: 5 }))
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`,
  );

/** A path parameter's value: plausible, encoded oddly, or not valid URL encoding at all. */
const segment = fc.oneof(
  { weight: 3, arbitrary: marker.map((m) => `ev-${m}`) },
  { weight: 3, arbitrary: marker.map((m) => `C${m}`) },
  { weight: 3, arbitrary: fc.uuid() },
  fc.constantFrom(...PROTOTYPE_NAMES, '..', '.', '%2e%2e', '%2F', '%00', '%E0%A4%A', '%C0%AF', '%ZZ', '%'),
  markedText.map(encodeURIComponent),
  marker.map((m) => `${m}${'z'.repeat(200)}`),
);

/** A route's path, or a near miss of it. */
const pathOf = (route: RouteSpec) =>
  fc
    .tuple(
      fc.array(segment, { minLength: 3, maxLength: 3 }),
      fc.oneof(
        { weight: 15, arbitrary: fc.constant('exact') },
        fc.constantFrom('slash', 'upper', 'double', 'extra', 'noVersion'),
      ),
    )
    .map(([values, variant]) => {
      let i = 0;
      const path = route.path.replace(/\{\w+\}/g, () => values[i++]!);
      switch (variant) {
        case 'slash':
          return `${path}/`;
        case 'upper':
          return path.toUpperCase();
        case 'double':
          return path.replace('/v1/', '/v1//');
        case 'extra':
          return `${path}/${values[2]!}`;
        case 'noVersion':
          return path.replace('/v1', '');
        default:
          return path;
      }
    });

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/jsonx',
      '',
    ),
  },
  { weight: 1, arbitrary: marker.map((m) => `x/${m}`) },
);

const extraHeaders = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom(...PROTOTYPE_NAMES, 'x-forwarded-for', 'accept'),
      marker.map((m) => `x-${m}`),
    ),
    fc.oneof(marker, fc.constantFrom('1', 'application/xml')),
  ),
  { maxLength: 3 },
);

/** Raw JSON text with keys `JSON.stringify` would never write as own data (`__proto__`). */
const prototypeJson = marker.map(
  (m) => `{"__proto__":{"verdict":"fraud","note":"${m}"},"constructor":{"prototype":{"polluted":"${m}"}}}`,
);

const nested = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;

/** A value to put where a valid event has something else. */
const wrongValue = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, -1e308, 2 ** 64, 0.1, [], {}, [1, 2]),
  markedText,
  longMarkedText,
  fc.constant(null).map(() => JSON.parse(nested(200, '[', ']')) as unknown),
);

const ORDER_FIELDS = [
  'schemaVersion',
  'eventId',
  'type',
  'occurredAt',
  'ip',
  'customerId',
  'deviceId',
  'order',
  'order.amountMinor',
  'order.currency',
  'order.orderId',
  'order.accountCreatedAt',
  'order.billingCountry',
];

/** A body the route takes, as an object. */
const validBody = (id: RouteId): fc.Arbitrary<unknown> => {
  switch (id) {
    case 'scoreOrder':
      return fc.constant(null).map(() => aRecentOrder());
    case 'disposeAlert':
      return fc.record({ verdict: fc.constantFrom('fraud', 'legitimate', 'unsure'), note: markedText });
    case 'objectToProfiling':
      return fc.record({
        customerId: marker.map((m) => `C${m}`),
        scope: fc.constantFrom('profiling', 'browse_search'),
      });
    default:
      return fc.constant({});
  }
};

const text = (s: string) => Buffer.from(s, 'utf8');

/** A body for a request to `id`: none, valid, mutated, malformed, nested, oversized or mis-encoded. */
const bodyFor = (id: RouteId): fc.Arbitrary<Buffer | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: validBody(id).map((b) => text(JSON.stringify(b))) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(validBody(id), fc.constantFrom(...ORDER_FIELDS, 'verdict', 'note', 'scope'), wrongValue)
        .map(([b, field, value]) =>
          text(JSON.stringify(withField(b as Record<string, unknown>, field, value))),
        ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(validBody(id), fc.nat()).map(([b, n]) => {
        const json = JSON.stringify(b);
        return text(json.slice(0, n % Math.max(json.length, 1)));
      }),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        marker.map((m) => text(`{'verdict': ${m}}`)),
        marker.map((m) => text(`${m} is not JSON`)),
        fc
          .constantFrom('NaN', '{"a":', '[', '"', 'null', '[]', '1', '""', '{"schemaVersion":1e999}')
          .map(text),
        fc.constant(text('{"amountMinor":123456789012345678901234567890123456789}')),
      ),
    },
    { weight: 1, arbitrary: prototypeJson.map(text) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(10, 1000, 100_000)
        .chain((depth) =>
          fc.constantFrom(
            text(nested(depth, '[', ']')),
            text(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: marker.map((m) =>
        Buffer.concat([text(`{"verdict":"`), Buffer.from([0xff, 0xfe, 0xc3]), text(`${m}"}`)]),
      ),
    },
    { weight: 1, arbitrary: fc.constant(null).map(() => text(`"${'x'.repeat(1024 * 1024)}"`)) },
  );

/** A request in one short line: fast-check's report of a failure, and the tests' messages. */
function describe(request: GeneratedRequest): string {
  const body = request.body;
  const excerpt = body === undefined ? 'no body' : `${body.length} bytes: ${body.toString('utf8', 0, 160)}`;
  return `${request.method} ${request.target.slice(0, 160)} as ${request.caller}, ${JSON.stringify(request.headers['content-type'])}, ${excerpt}`;
}

/** Mostly a role the route allows; any other role, and no or a bad credential, too. */
const callerOf = (route: RouteSpec): fc.Arbitrary<Caller> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<Caller>(...route.roles) },
    { weight: 2, arbitrary: fc.constantFrom<Caller>(...ROLES) },
    { weight: 2, arbitrary: fc.constantFrom<Caller>('no token', 'unknown token', 'malformed') },
  );
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'];

/**
 * One generated request.
 *
 * @param tokens the gateway's bearer token per role
 */
export function aRequest(tokens: Record<Role, string>): fc.Arbitrary<GeneratedRequest> {
  return fc.constantFrom(...ROUTE_IDS).chain((id) => {
    const route = ROUTES[id] as RouteSpec;
    return fc
      .record({
        caller: callerOf(route),
        method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
        path: fc.oneof({ weight: 19, arbitrary: pathOf(route) }, fc.webPath()),
        query,
        contentType,
        extra: extraHeaders,
        body: bodyFor(id),
        badToken: marker,
      })
      .map(({ caller: who, method, path, query: q, contentType: type, extra, body, badToken }) => {
        const headers: Record<string, string> = Object.fromEntries(extra);
        if (type !== '') headers['content-type'] = type;
        if (who === 'unknown token') headers.authorization = `Bearer ${badToken}`;
        else if (who === 'malformed') headers.authorization = `Basic ${badToken}`;
        else if (who !== 'no token') headers.authorization = `Bearer ${tokens[who]}`;
        const request: GeneratedRequest = {
          caller: who,
          method,
          route: id,
          target: `${path || '/'}${q}`,
          headers,
        };
        if (body !== undefined) request.body = body;
        const text = () => describe(request);
        return Object.assign(request, { [fc.toStringMethod]: text, toString: text });
      });
  });
}
