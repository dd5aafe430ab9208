/**
 * The Lambda bundles as `cdk synth` builds them (NodejsFunction, local
 * esbuild): their sizes, and each one's cold start measured in a fresh Node.js
 * process: import of the handler module + its first real request, answered
 * against a local DynamoDB (dynalite on a worker thread, every table of stage
 * `dev` created), the way Lambda's Init phase and the first invocation after it
 * would run. Which request each function gets: {@link firstInvocation}.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { IP_DATA_DIR } from '../infra/pipeline.ts';
import { createVigilApp } from '../infra/vigil-app.ts';
import { speedNote, speedProbe, stealNote, stealSince } from './machine.ts';
import { ROUTES, type RouteSpec } from '../src/api/routes.ts';
import { startEmulator } from '../src/local/emulator.ts';
import { type DynamoClient, dynamoClient } from '../src/shared/aws.ts';
import { IP_DATA_DIR_ENV } from '../src/shared/ip-data/load.ts';
import { DEAD_LETTER_DIR_ENV } from '../src/shared/sealed-records.ts';
import { TABLE_ROLES, type TableRole, createTableInput, tableNames } from '../src/shared/tables.ts';

/** Targets of issue 5 for the consumer and score functions. */
export const INIT_TARGET_MS = 300;
export const INIT_TARGET_RSS_MIB = 256;
/** The functions the targets are for (issue 5): the consumer and the score function. */
const TARGETED: readonly string[] = ['consume-events', 'score-order'];
/** Runs of each of those and of the floor (the other functions get 5). */
const TARGETED_RUNS = 11;

/** One function's deployment package, as synthesised. */
export interface FunctionBundle {
  /** The function's `FunctionName`. */
  readonly name: string;
  /** Its handler file: `functions/<fn>.ts` (`score-order`, `consume-events`, …). */
  readonly fn: string;
  /** The asset directory (what is zipped and uploaded). */
  readonly dir: string;
  /** The handler module, e.g. `index.mjs`. */
  readonly entry: string;
  /** Bytes of the handler module alone. */
  readonly codeBytes: number;
  /** Bytes of the whole package (handler plus data files such as the IP data tables). */
  readonly packageBytes: number;
  /** The function's environment in the template (token values left out). */
  readonly environment: Readonly<Record<string, string>>;
}

/** What a fresh process measured for one bundle. */
export interface InitMeasurement {
  /** Median of the runs, ms: import + first invocation. */
  readonly medianMs: number;
  /** Fastest run, ms. */
  readonly minMs: number;
  /** Slowest run, ms. */
  readonly maxMs: number;
  /** Largest resident set size at the end of a run, MiB. */
  readonly rssMiB: number;
  readonly runs: number;
  /** The event of the first invocation (the last run's: each run has its own, see {@link firstInvocation}). */
  readonly firstEvent: unknown;
  /** What the first invocation returned (the last run's). */
  readonly firstResult: unknown;
}

interface TemplateFunction {
  Type: string;
  Properties: {
    FunctionName?: string;
    Handler?: string;
    Environment?: { Variables?: Record<string, unknown> };
  };
  Metadata?: Record<string, string>;
}

/**
 * Synthesises the Vigil app with bundling into `outdir` (with `cdk.json`'s
 * context) and returns every Lambda function's bundle.
 *
 * @example
 * ```ts
 * const bundles = synthBundles(mkdtempSync(join(tmpdir(), 'vigil-bundles-')));
 * ```
 */
export function synthBundles(outdir: string, context: Record<string, unknown> = {}): FunctionBundle[] {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { app, stack } = createVigilApp({
    // The CDK CLI turns asset metadata on; a programmatic app needs it asked for, to map functions to assets.
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true, ...context },
    outdir,
    env: {},
  });
  const assembly = app.synth();
  const prefix = `vigil-${stack.stackName.replace(/^Vigil-/, '')}-`;
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, TemplateFunction>;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
    .map((r) => {
      const dir = join(outdir, r.Metadata!['aws:asset:path']!);
      const module = (r.Properties.Handler ?? 'index.handler').split('.')[0]!;
      const entry = readdirSync(dir).find((f) => f === `${module}.mjs` || f === `${module}.js`);
      if (!entry) throw new Error(`bundle ${dir}: no ${module}.mjs or ${module}.js`);
      const environment = Object.fromEntries(
        Object.entries(r.Properties.Environment?.Variables ?? {}).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
      const name = r.Properties.FunctionName ?? r.Metadata!['aws:cdk:path']!;
      return {
        name,
        fn: name.startsWith(prefix) ? name.slice(prefix.length) : name,
        dir,
        entry,
        codeBytes: statSync(join(dir, entry)).size,
        packageBytes: dirBytes(dir),
        environment,
      };
    });
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

/** The stage of the functions' tables: the template's `VIGIL_STAGE`. */
const STAGE = 'dev';
/** The region and the placeholder credentials of every measuring process (dynalite takes any). */
const REGION = 'eu-central-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
/**
 * The pseudonymisation key of every measuring process of this bench (instead of Secrets Manager):
 * one key, so that the score function reads back the profiles the consumer wrote.
 */
const BENCH_KEY = `v1:${randomBytes(32).toString('base64')}`;
/** The customer of the bench's login and order. */
const CUSTOMER = 'C9000001';
const IP = '145.53.12.7';
/** The made-up customer of the customers'-rights routes: nothing is stored about them but what those routes write. */
const RIGHTS_CUSTOMER = 'C-bench-rights';
/** The privacy service's IAM role (`VIGIL_PRIVACY_SERVICE_ROLE_ARN`) and the session that signs its requests. */
const PRIVACY_SERVICE_ROLE_ARN = 'arn:aws:iam::000000000000:role/vigil-dev-privacy-service';
const PRIVACY_SERVICE_SESSION_ARN = 'arn:aws:sts::000000000000:assumed-role/vigil-dev-privacy-service/bench';

/** The local DynamoDB of a measurement. */
export interface BenchDynamo {
  /** `http://127.0.0.1:<port>`: what the measuring processes get as `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  /** The tables of stage `dev`, by role. */
  readonly tables: Record<TableRole, string>;
  /** A document client for it (the project's factory): to look at what the functions wrote. */
  client(): DynamoClient;
  /** Stops dynalite and its thread. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on a worker thread of its own (`src/local/emulator.ts`: it answers while
 * {@link measureInit} blocks the main thread in `execFileSync`) with every table of stage `dev`
 * created from the shared definitions, in memory.
 *
 * @example
 * ```ts
 * const dynamo = await startBenchDynamo();
 * measureInit(bundle, { endpoint: dynamo.endpoint });
 * await dynamo.close();
 * ```
 */
export async function startBenchDynamo(): Promise<BenchDynamo> {
  const emulator = await startEmulator('dynalite', { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const clients: { destroy(): void }[] = [];
  const client = () => {
    const c = dynamoClient({ endpoint: emulator.endpoint, region: REGION, credentials: CREDENTIALS });
    clients.push(c);
    return c;
  };
  try {
    const tables = tableNames(STAGE);
    const admin = client();
    for (const role of TABLE_ROLES)
      await admin.send(new CreateTableCommand(createTableInput(role, tables[role])));
    return {
      endpoint: emulator.endpoint,
      tables,
      client,
      close: async () => {
        for (const c of clients.splice(0)) c.destroy();
        await emulator.close();
      },
    };
  } catch (err) {
    for (const c of clients.splice(0)) c.destroy();
    await emulator.close();
    throw err;
  }
}

/**
 * What the measuring process runs: import the handler module, invoke it once with the event of
 * {@link firstInvocation} (JSON in argv[2]), print the figures as JSON.
 */
const MEASURE = `
const t0 = performance.now();
const mod = await import(process.argv[1]);
const result = await mod.handler(JSON.parse(process.argv[2]), { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss, result }));
`;

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
};

/**
 * The first invocation of a function in the measuring process, and what its environment needs
 * beyond the template's. Each is a first real request, answered against the local DynamoDB of
 * {@link startBenchDynamo}; a new call makes a new event (a fresh eventId for the consumer), so
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
 *   customer 200; get-alert, dispose-alert and get-rights-request 404 for an id nothing has,
 *   after their reads.
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

/** One fresh process's cold start of a bundle: see {@link measureInit}. */
interface InitSample {
  ms: number;
  rss: number;
  result: unknown;
  event: unknown;
}

function initOnce(bundle: FunctionBundle, endpoint: string): InitSample {
  const first = firstInvocation(bundle);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...bundle.environment,
    ...(bundle.environment[IP_DATA_DIR_ENV] ? { [IP_DATA_DIR_ENV]: join(bundle.dir, IP_DATA_DIR) } : {}),
    // The dead letters' records in a folder instead of the template's bucket (a token, left out:
    // no S3 here); the bench's events are valid, so none is written.
    [DEAD_LETTER_DIR_ENV]: join(tmpdir(), 'vigil-bench-dead-letters'),
    VIGIL_PSEUDONYM_KEY: BENCH_KEY,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    // The SDK warns once per process that it will drop Node.js 20, the version here; Lambda runs
    // Node.js 24, where it has nothing to say (and writing it costs the first stderr write).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...first.env,
  };
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      MEASURE,
      pathToFileURL(join(bundle.dir, bundle.entry)).href,
      JSON.stringify(first.event),
    ],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { ...(JSON.parse(out) as { ms: number; rss: number; result: unknown }), event: first.event };
}

function summarise(samples: readonly InitSample[]): InitMeasurement {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const last = samples[samples.length - 1]!;
  return {
    medianMs: ms[Math.floor(ms.length / 2)]!,
    minMs: ms[0]!,
    maxMs: ms[ms.length - 1]!,
    rssMiB: Math.max(...samples.map((s) => s.rss)) / 2 ** 20,
    runs: samples.length,
    firstEvent: last.event,
    firstResult: last.result,
  };
}

/**
 * Cold start of a bundle, `runs` fresh processes, each timing the import of the handler module
 * and its {@link firstInvocation} (a new event each run), and taking its RSS at the end. The
 * function's environment is the template's, except that DynamoDB is `endpoint`
 * (`AWS_ENDPOINT_URL_DYNAMODB`: {@link startBenchDynamo}'s, or one that refuses connections for
 * the degraded path), the key is the bench's `VIGIL_PSEUDONYM_KEY` instead of Secrets Manager
 * (no AWS here), the IP data directory is the bundle's own, the Powertools output is silenced,
 * and {@link firstInvocation}'s additions. The table names come from the template's `VIGIL_STAGE`.
 */
export function measureInit(
  bundle: FunctionBundle,
  options: { endpoint: string; runs?: number },
): InitMeasurement {
  return measureInterleaved([bundle], options)[0]!;
}

/**
 * {@link measureInit} of several bundles, in rounds of one run each, so that a slow spell of the
 * machine falls on all of them alike rather than on whichever was measured then. `onRound` is
 * called before each round (the bench takes a {@link speedProbe} there).
 */
export function measureInterleaved(
  bundles: readonly FunctionBundle[],
  options: { endpoint: string; runs?: number; onRound?: () => void },
): InitMeasurement[] {
  const samples = bundles.map((): InitSample[] => []);
  for (let round = 0; round < (options.runs ?? 5); round++) {
    options.onRound?.();
    bundles.forEach((bundle, i) => samples[i]!.push(initOnce(bundle, options.endpoint)));
  }
  return samples.map(summarise);
}

/**
 * A first answer in a few words: an API's status (and `degraded`), the consumer's failed records,
 * the authorizer's effect and role.
 */
function describeAnswer(answer: unknown): string {
  const a = (answer ?? {}) as {
    statusCode?: number;
    body?: string;
    batchItemFailures?: unknown[];
    policyDocument?: { Statement?: { Effect?: string }[] };
    context?: { role?: string };
  };
  if (typeof a.statusCode === 'number') {
    return `${a.statusCode}${a.body?.includes('"degraded":true') ? ' degraded' : ''}`;
  }
  if (Array.isArray(a.batchItemFailures)) return `${a.batchItemFailures.length} failed records`;
  if (a.policyDocument)
    return `${a.policyDocument.Statement?.[0]?.Effect ?? '?'} ${a.context?.role ?? ''}`.trim();
  return JSON.stringify(answer);
}

/** The `fn` of the init floor's bundle (`bench/init-floor.ts`). */
const INIT_FLOOR = 'init-floor';

/**
 * The init floor bundled as `lambdaBundling` bundles the functions (one minified ES module for
 * Node.js 24, the SDK inside), into `outdir`.
 */
function initFloorBundle(outdir: string): FunctionBundle {
  const dir = join(outdir, INIT_FLOOR);
  const entry = 'index.mjs';
  buildSync({
    entryPoints: [fileURLToPath(new URL('./init-floor.ts', import.meta.url))],
    outfile: join(dir, entry),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    logLevel: 'warning',
  });
  const bytes = statSync(join(dir, entry)).size;
  return {
    name: INIT_FLOOR,
    fn: INIT_FLOOR,
    dir,
    entry,
    codeBytes: bytes,
    packageBytes: bytes,
    environment: { VIGIL_STAGE: 'dev' },
  };
}

/**
 * The bench section, in this process: synthesises the bundles into a temporary directory, starts
 * the local DynamoDB, prints each function's handler size, package size, cold start (import and
 * first real request) against the targets and its first answer, and removes the directory.
 */
export async function measureBundles(log: (line: string) => void = console.log): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-bundles-'));
  let dynamo: BenchDynamo | undefined;
  try {
    const t0 = performance.now();
    const bundles = synthBundles(outdir);
    log(
      `bundles: cdk synth with local esbuild bundling in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    dynamo = await startBenchDynamo();
    const size = (n: number) =>
      n < 2 ** 20 / 10 ? `${Math.round(n / 1024)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
    const line = (bundle: FunctionBundle, init: InitMeasurement, steal: number | undefined) => {
      const targeted = TARGETED.includes(bundle.fn);
      const ok = init.medianMs <= INIT_TARGET_MS && init.rssMiB < INIT_TARGET_RSS_MIB;
      log(
        `${bundle.name}: ${bundle.entry} ${size(bundle.codeBytes)}, package ${size(bundle.packageBytes)}; ` +
          `cold init ${Math.round(init.medianMs)} ms median of ${init.runs} (${Math.round(init.minMs)} to ${Math.round(init.maxMs)}), ` +
          `RSS ${Math.round(init.rssMiB)} MiB, first answer ${describeAnswer(init.firstResult)}` +
          stealNote(steal, ', ') +
          (targeted
            ? ` (target <= ${INIT_TARGET_MS} ms, < ${INIT_TARGET_RSS_MIB} MiB: ${ok ? 'met' : 'NOT met'})`
            : ''),
      );
    };

    // The floor and the two functions with a target, round by round: one run of each per round,
    // with more rounds than the others get (one slow run in five moves a median of five more than
    // one of nine), and the machine's speed probed before each round.
    const floorBundle = initFloorBundle(outdir);
    const targeted = bundles.filter((b) => TARGETED.includes(b.fn));
    const probes: number[] = [];
    const stolen = stealSince();
    const [floor, ...measured] = measureInterleaved([floorBundle, ...targeted], {
      endpoint: dynamo.endpoint,
      runs: TARGETED_RUNS,
      onRound: () => probes.push(speedProbe()),
    });
    const steal = stolen();
    log(
      `init floor (a bundle of the AWS SDK's DynamoDB client alone, one GetItem): ` +
        `${Math.round(floor!.medianMs)} ms median of ${floor!.runs} (${Math.round(floor!.minMs)} to ${Math.round(floor!.maxMs)}), ` +
        `RSS ${Math.round(floor!.rssMiB)} MiB; measured in rounds with the two below; ${speedNote(probes)}` +
        stealNote(steal, ', '),
    );
    targeted.forEach((bundle, i) => line(bundle, measured[i]!, steal));
    for (const bundle of bundles.filter((b) => !TARGETED.includes(b.fn))) {
      const since = stealSince();
      const init = measureInit(bundle, { endpoint: dynamo.endpoint, runs: 5 });
      line(bundle, init, since());
    }
  } finally {
    await dynamo?.close();
    rmSync(outdir, { recursive: true, force: true });
  }
}
