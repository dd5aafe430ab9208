/**
 * The Lambda bundles' sizes, and each one's cold start measured in a fresh Node.js process:
 * import of the handler module + its first real request (bench/first-invocation.ts), answered
 * against a local DynamoDB (bench/bench-dynamo.ts), the way Lambda's Init phase and the first
 * invocation after it would run. The bundles are those `cdk synth` builds (bench/bundle-synth.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IP_DATA_DIR } from '../infra/lambda.ts';
import { ENV } from '../src/shared/env.ts';
import { type BenchDynamo, CREDENTIALS, REGION, startBenchDynamo } from './bench-dynamo.ts';
import { type FunctionBundle, initFloorBundle, synthBundles } from './bundle-synth.ts';
import { firstInvocation } from './first-invocation.ts';
import { speedNote, speedProbe, stealNote, stealSince } from './machine.ts';

/** Targets of issue 5 for the consumer and score functions. */
export const INIT_TARGET_MS = 300;
export const INIT_TARGET_RSS_MIB = 256;
/** The functions the targets are for (issue 5): the consumer and the score function. */
const TARGETED: readonly string[] = ['consume-events', 'score-order'];
/** Runs of each of those and of the floor (the other functions get 5). */
const TARGETED_RUNS = 11;

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

/**
 * The pseudonymisation key of every measuring process of this bench (instead of Secrets Manager):
 * one key, so that the score function reads back the profiles the consumer wrote.
 */
const BENCH_KEY = `v1:${randomBytes(32).toString('base64')}`;

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
    ...(bundle.environment[ENV.ipDataDir] ? { [ENV.ipDataDir]: join(bundle.dir, IP_DATA_DIR) } : {}),
    // The dead letters' records in a folder instead of the template's bucket (a token, left out:
    // no S3 here); the bench's events are valid, so none is written.
    [ENV.deadLetterDir]: join(tmpdir(), 'vigil-bench-dead-letters'),
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
function measureInterleaved(
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

/** Bytes in KiB below a tenth of a MiB, else in MiB. */
function size(n: number): string {
  return n < 2 ** 20 / 10 ? `${Math.round(n / 1024)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** One function's figures: sizes, cold init, RSS, first answer and, where it has one, its target. */
function bundleLine(bundle: FunctionBundle, init: InitMeasurement, steal: number | undefined): string {
  const targeted = TARGETED.includes(bundle.fn);
  const ok = init.medianMs <= INIT_TARGET_MS && init.rssMiB < INIT_TARGET_RSS_MIB;
  return (
    `${bundle.name}: ${bundle.entry} ${size(bundle.codeBytes)}, package ${size(bundle.packageBytes)}; ` +
    `cold init ${Math.round(init.medianMs)} ms median of ${init.runs} (${Math.round(init.minMs)} to ${Math.round(init.maxMs)}), ` +
    `RSS ${Math.round(init.rssMiB)} MiB, first answer ${describeAnswer(init.firstResult)}` +
    stealNote(steal, ', ') +
    (targeted
      ? ` (target <= ${INIT_TARGET_MS} ms, < ${INIT_TARGET_RSS_MIB} MiB: ${ok ? 'met' : 'NOT met'})`
      : '')
  );
}

/**
 * The floor and the functions with a target, round by round: one run of each per round, with
 * more rounds than the others get (one slow run in five moves a median of five more than one of
 * nine), and the machine's speed probed before each round.
 */
function measureTargeted(
  floorBundle: FunctionBundle,
  targeted: readonly FunctionBundle[],
  endpoint: string,
  log: (line: string) => void,
): void {
  const probes: number[] = [];
  const stolen = stealSince();
  const [floor, ...measured] = measureInterleaved([floorBundle, ...targeted], {
    endpoint,
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
  targeted.forEach((bundle, i) => log(bundleLine(bundle, measured[i]!, steal)));
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
    const targeted = bundles.filter((b) => TARGETED.includes(b.fn));
    measureTargeted(initFloorBundle(outdir), targeted, dynamo.endpoint, log);
    for (const bundle of bundles.filter((b) => !TARGETED.includes(b.fn))) {
      const since = stealSince();
      const init = measureInit(bundle, { endpoint: dynamo.endpoint, runs: 5 });
      log(bundleLine(bundle, init, since()));
    }
  } finally {
    await dynamo?.close();
    rmSync(outdir, { recursive: true, force: true });
  }
}
