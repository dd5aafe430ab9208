/**
 * The first invocation of each function in the cold-start bench: a first real request, as
 * Kinesis or API Gateway hands it to the function, and what its environment needs beyond the
 * template's.
 */
import { randomUUID } from 'node:crypto';
import { ROUTES, type RouteSpec } from '../src/api/routes.ts';
import { REGION, STAGE } from './bench-dynamo.ts';
import { type FunctionBundle, INIT_FLOOR } from './bundle-synth.ts';

/** The customer of the bench's login and order. */
const CUSTOMER = 'C9000001';
const IP = '145.53.12.7';
/** The made-up customer of the customers'-rights routes: nothing is stored about them but what those routes write. */
const RIGHTS_CUSTOMER = 'C-bench-rights';
/** The privacy service's IAM role (`VIGIL_PRIVACY_SERVICE_ROLE_ARN`) and the session that signs its requests. */
const PRIVACY_SERVICE_ROLE_ARN = 'arn:aws:iam::000000000000:role/vigil-dev-privacy-service';
const PRIVACY_SERVICE_SESSION_ARN = 'arn:aws:sts::000000000000:assumed-role/vigil-dev-privacy-service/bench';

/**
 * An API Gateway REST proxy event of a route, as API Gateway hands it to the function: the
 * caller a Lambda authorizer named (`authorizer`), or for an `AWS_IAM` route none and the
 * signer's ARN in `identity.userArn`.
 */
function proxyEvent(
  route: Pick<RouteSpec, 'method' | 'path'>,
  request: {
    pathParameters?: Record<string, string>;
    body?: unknown;
    authorizer: { principalId: string; role: string } | null;
    userArn?: string;
  },
) {
  const now = Date.now();
  const params = request.pathParameters ?? null;
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params?.[name] ?? ''),
  );
  const body = request.body === undefined ? null : JSON.stringify(request.body);
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers: body ? { 'content-type': 'application/json' } : {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: params,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: request.authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      identity: {
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
        ...(request.userArn ? { userArn: request.userArn } : {}),
      },
      path: `/dev${path}`,
      stage: 'dev',
      requestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: 'bench',
      resourcePath: route.path,
    },
  };
}

/** The Lambda Kinesis event of one record carrying `event`, as the stream's event source mapping delivers it. */
function kinesisEvent(event: { eventId: string; customerId: string }) {
  const now = Date.now();
  const sequenceNumber = `49${String(now).padStart(54, '0')}`;
  return {
    Records: [
      {
        awsRegion: REGION,
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        eventSource: 'aws:kinesis',
        eventSourceARN: `arn:aws:kinesis:${REGION}:000000000000:stream/vigil-${STAGE}-events`,
        eventVersion: '1.0',
        invokeIdentityArn: `arn:aws:iam::000000000000:role/vigil-${STAGE}-consume-events`,
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: event.customerId,
          sequenceNumber,
          data: Buffer.from(JSON.stringify(event), 'utf8').toString('base64'),
          approximateArrivalTimestamp: now / 1000,
        },
      },
    ],
  };
}

/** The order the score function gets: the same in every run (scoring writes nothing). */
function benchOrder() {
  return {
    schemaVersion: 1,
    eventId: 'bench-init-1',
    type: 'order',
    occurredAt: new Date(Date.now() - 1_000).toISOString(),
    ip: IP,
    customerId: CUSTOMER,
    deviceId: 'd-1',
    order: {
      orderId: 'O-1',
      amountMinor: 4_999,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card',
      paymentFingerprint: 'card-1',
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountCreatedAt: '2024-01-01T00:00:00Z',
    },
  };
}

/** The path parameters and body of each API function's first request (none where the route takes none). */
const API_REQUESTS: Readonly<
  Record<string, { pathParameters?: Record<string, string>; body?: () => unknown }>
> = {
  'score-order': { body: benchOrder },
  // No alert has this id: a 404 after the alert read (and the audit entry).
  'get-alert': { pathParameters: { id: 'bench-no-such-alert' } },
  'dispose-alert': {
    pathParameters: { id: 'bench-no-such-alert' },
    body: () => ({ verdict: 'legitimate', note: 'bench' }),
  },
  'object-subject': { body: () => ({ customerId: RIGHTS_CUSTOMER, scope: 'browse_search' }) },
  'export-subject': { pathParameters: { customerId: RIGHTS_CUSTOMER } },
  'restrict-subject': { pathParameters: { customerId: RIGHTS_CUSTOMER } },
  'lift-restriction': { pathParameters: { customerId: RIGHTS_CUSTOMER } },
  'erase-subject': { pathParameters: { customerId: RIGHTS_CUSTOMER } },
  // A request id no receipt has: a 404 after the receipt read.
  'get-rights-request': { pathParameters: { requestId: '00000000-0000-4000-8000-000000000000' } },
  'add-entry': {
    body: () => ({
      list: 'deny',
      kind: 'ip',
      value: '192.0.2.1',
      reason: 'bench',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  },
  // No entry has this id: a 404 after the delete (and the audit entry).
  'remove-entry': { pathParameters: { entryId: 'deny.ip.v1:benchbenchbenchbenchbe' } },
};

/**
 * The first invocation of a function in the measuring process, and what its environment needs
 * beyond the template's. Each is a first real request, answered against the local DynamoDB of
 * `startBenchDynamo` (bench/bench-dynamo.ts); a new call makes a new event (a fresh eventId for the consumer), so
 * that every run does the same work:
 *
 * - the consumer: a Kinesis batch of one valid login of customer `C9000001` (its own eventId),
 *   which builds its clients, key and config, decodes and validates the event, pseudonymises it,
 *   looks its address up in the IP data tables, runs the rules on the profiles it reads and writes
 *   the observation and the decision (and an alert, if any): `{ batchItemFailures: [] }`;
 * - the score function: an order of the same customer from the order flow (caller `order-flow`),
 *   which reads the profiles (the consumer's logins among them), locates the address and runs the
 *   rules: 200, not degraded (degraded only when the store fails to answer in the budget);
 * - the authorizer: an API key request on the score route (no token verification: that needs the
 *   user pool's keys; no DynamoDB);
 * - the other API functions: a request of their route, by a caller in a role the route allows
 *   (the authorizer's context for `analyst`, `admin` and, on the routes open to all, `order-flow`;
 *   for the customers'-rights routes, which are `AWS_IAM` in AWS, a session of the privacy
 *   service's role as the signer, with `VIGIL_PRIVACY_SERVICE_ROLE_ARN` set): list-alerts,
 *   get-rule-stats, list-audit, get-health, get-openapi 200; the rights routes on a made-up
 *   customer 200; list-entries and add-entry 200; get-alert, dispose-alert, get-rights-request
 *   and remove-entry 404 for an id nothing has, after their reads.
 */
export function firstInvocation(bundle: Pick<FunctionBundle, 'fn'>): {
  event: unknown;
  env: Record<string, string>;
} {
  if (bundle.fn === 'consume-events') {
    const login = {
      schemaVersion: 1,
      eventId: `bench-login-${randomUUID()}`,
      type: 'login',
      occurredAt: new Date(Date.now() - 1_000).toISOString(),
      ip: IP,
      customerId: CUSTOMER,
      deviceId: 'd-1',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      login: { username: 'bench@example.nl', outcome: 'success', method: 'password' },
    };
    return { event: kinesisEvent(login), env: {} };
  }
  if (bundle.fn === INIT_FLOOR) return { event: {}, env: {} };
  if (bundle.fn === 'authorize-request') {
    return {
      event: {
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:${REGION}:000000000000:bench/dev/POST/v1/score`,
        resource: '/v1/score',
        path: '/v1/score',
        httpMethod: 'POST',
        headers: { 'x-api-key': 'bench-key-0123456789abcdef' },
      },
      env: { VIGIL_USER_POOL_ID: `${REGION}_bench`, VIGIL_USER_POOL_CLIENT_ID: 'bench' },
    };
  }
  const route: RouteSpec | undefined = Object.values(ROUTES).find((r) => r.function === bundle.fn);
  if (!route) throw new Error(`bench: no route has function ${bundle.fn}`);
  const request = API_REQUESTS[bundle.fn] ?? {};
  const base = { pathParameters: request.pathParameters, body: request.body?.() };
  if (route.roles.includes('privacy-service')) {
    return {
      event: proxyEvent(route, { ...base, authorizer: null, userArn: PRIVACY_SERVICE_SESSION_ARN }),
      env: { VIGIL_PRIVACY_SERVICE_ROLE_ARN: PRIVACY_SERVICE_ROLE_ARN },
    };
  }
  const role = route.roles[0]!;
  return {
    event: proxyEvent(route, { ...base, authorizer: { principalId: `${role}:bench`, role } }),
    env: {},
  };
}
