/**
 * The Lambda bundles as `cdk synth` builds them (NodejsFunction, local
 * esbuild): their sizes, and each one's cold-start initialisation measured in
 * a fresh Node.js process (import of the handler module + its first
 * invocation), the way Lambda's Init phase starts one.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IP_DATA_DIR } from '../infra/pipeline.ts';
import { createVigilApp } from '../infra/vigil-app.ts';
import { IP_DATA_DIR_ENV } from '../src/shared/ip-data/load.ts';

/** Targets of issue 5 for the consumer and score functions. */
export const INIT_TARGET_MS = 300;
export const INIT_TARGET_RSS_MIB = 256;
/** The functions the targets are for (issue 5): the consumer and the score function. */
const TARGETED: readonly string[] = ['consume-events', 'score-order'];

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
  /** Slowest run, ms. */
  readonly maxMs: number;
  /** Largest resident set size at the end of a run, MiB. */
  readonly rssMiB: number;
  readonly runs: number;
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

/** An API Gateway REST proxy event of a route, with the caller a Lambda authorizer hands over. */
function proxyEvent(method: string, path: string, body: string | null, authorizer: object | null) {
  const now = Date.now();
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: body ? { 'content-type': 'application/json' } : {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp: '127.0.0.1', userAgent: 'bench' },
      path: `/dev${path}`,
      stage: 'dev',
      requestId: 'bench',
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: 'bench',
      resourcePath: path,
    },
  };
}

/**
 * The first invocation of a function in the measuring process, and what its environment needs
 * beyond the template's, all without a network:
 *
 * - the consumer: an empty Kinesis batch, which builds its clients, key and config as a first
 *   batch would;
 * - the score function: an order from the order flow, read against a DynamoDB endpoint that
 *   refuses connections, so the answer is degraded within the budget after everything a first
 *   request does (key, config, pseudonyms, geo lookup, the rules);
 * - the authorizer: an API key request on the score route (no token verification: that needs the
 *   user pool's keys);
 * - the other API functions: a request without a caller, answered 401 by the middleware (their
 *   first real request would go to DynamoDB).
 */
export function firstInvocation(bundle: Pick<FunctionBundle, 'fn'>): {
  event: unknown;
  env: Record<string, string>;
} {
  if (bundle.fn === 'consume-events') return { event: { Records: [] }, env: {} };
  if (bundle.fn === 'score-order') {
    const order = {
      schemaVersion: 1,
      eventId: 'bench-init-1',
      type: 'order',
      occurredAt: new Date(Date.now() - 1_000).toISOString(),
      ip: '145.53.12.7',
      customerId: 'C9000001',
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
    return {
      event: proxyEvent('POST', '/v1/score', JSON.stringify(order), {
        principalId: 'order-flow:bench',
        role: 'order-flow',
      }),
      // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
      env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' },
    };
  }
  if (bundle.fn === 'authorize-request') {
    return {
      event: {
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:eu-central-1:000000000000:bench/dev/POST/v1/score',
        resource: '/v1/score',
        path: '/v1/score',
        httpMethod: 'POST',
        headers: { 'x-api-key': 'bench-key-0123456789abcdef' },
      },
      env: { VIGIL_USER_POOL_ID: 'eu-central-1_bench', VIGIL_USER_POOL_CLIENT_ID: 'bench' },
    };
  }
  return { event: proxyEvent('GET', '/v1/health', null, null), env: {} };
}

/**
 * Cold-start initialisation of a bundle, `runs` fresh processes. The function's
 * environment is the template's, except that the key comes from a random
 * `VIGIL_PSEUDONYM_KEY` instead of Secrets Manager (no AWS here), the IP data
 * directory is the bundle's own, the Powertools output is silenced, and
 * {@link firstInvocation}'s additions.
 */
export function measureInit(bundle: FunctionBundle, runs = 5): InitMeasurement {
  const first = firstInvocation(bundle);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...bundle.environment,
    ...(bundle.environment[IP_DATA_DIR_ENV] ? { [IP_DATA_DIR_ENV]: join(bundle.dir, IP_DATA_DIR) } : {}),
    VIGIL_PSEUDONYM_KEY: `v1:${randomBytes(32).toString('base64')}`,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...first.env,
  };
  const samples: { ms: number; rss: number; result: unknown }[] = [];
  for (let i = 0; i < runs; i++) {
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
    samples.push(JSON.parse(out) as { ms: number; rss: number; result: unknown });
  }
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    medianMs: ms[Math.floor(ms.length / 2)]!,
    maxMs: ms[ms.length - 1]!,
    rssMiB: Math.max(...samples.map((s) => s.rss)) / 2 ** 20,
    runs,
    firstResult: samples[samples.length - 1]!.result,
  };
}

/**
 * The bench section: synthesises the bundles into a temporary directory,
 * prints each function's handler size, package size and cold-start init
 * against the targets, and removes the directory.
 */
export function benchBundles(log: (line: string) => void = console.log): void {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-bundles-'));
  try {
    const t0 = performance.now();
    const bundles = synthBundles(outdir);
    log(
      `bundles: cdk synth with local esbuild bundling in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const size = (n: number) =>
      n < 2 ** 20 / 10 ? `${Math.round(n / 1024)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
    for (const bundle of bundles) {
      const init = measureInit(bundle);
      const targeted = TARGETED.includes(bundle.fn);
      const ok = init.medianMs <= INIT_TARGET_MS && init.rssMiB < INIT_TARGET_RSS_MIB;
      const answer = init.firstResult as { statusCode?: number; body?: string } | null;
      const first =
        typeof answer?.statusCode === 'number'
          ? `, first answer ${answer.statusCode}${answer.body?.includes('"degraded":true') ? ' degraded' : ''}`
          : '';
      log(
        `${bundle.name}: ${bundle.entry} ${size(bundle.codeBytes)}, package ${size(bundle.packageBytes)}; ` +
          `cold init ${Math.round(init.medianMs)} ms median of ${init.runs} (max ${Math.round(init.maxMs)}), ` +
          `RSS ${Math.round(init.rssMiB)} MiB${first}` +
          (targeted
            ? ` (target <= ${INIT_TARGET_MS} ms, < ${INIT_TARGET_RSS_MIB} MiB: ${ok ? 'met' : 'NOT met'})`
            : ''),
      );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
