/**
 * The deployment configuration of the Vigil stack: CDK context (`cdk.json` or
 * `cdk deploy -c key=value`) over an optional JSON file (`-c configFile=vigil.prod.json`)
 * over the defaults below. Every value is checked at synthesis, and a bad one
 * stops it with an error that names the field.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { resolveConfig } from '../src/rules/config.ts';
import { CONSUMER_EVENT_SOURCE, EVENT_STREAM } from '../src/shared/streams.ts';

/** What the stack is built from. */
export interface VigilConfig {
  readonly stream: {
    /** `ON_DEMAND` (default: bursty, small traffic) or `PROVISIONED` with {@link shardCount} shards. */
    readonly mode: 'ON_DEMAND' | 'PROVISIONED';
    /** Shards of a provisioned stream (ignored, and refused when given, on demand). */
    readonly shardCount: number;
    /** How long records stay readable, hours (24 to 8,760). */
    readonly retentionHours: number;
  };
  /** DynamoDB deletion protection on every table; only a throw-away dev stage turns it off. */
  readonly deletionProtection: boolean;
  readonly consumer: {
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly retryAttempts: number;
    readonly maxRecordAgeSeconds: number;
    readonly parallelizationFactor: number;
  };
  /** The REST API (`infra/api.ts`). */
  readonly api: {
    /** Every method of the stage: steady requests per second and burst (API Gateway's token bucket). */
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly score: {
      /** The score route's usage plan, per API key: steady requests per second, burst, requests per day. */
      readonly rateLimit: number;
      readonly burstLimit: number;
      readonly quotaPerDay: number;
      /** `VIGIL_SCORE_BUDGET_MS`: the profile read's time budget, ms. */
      readonly budgetMs: number;
      /** `VIGIL_SCORE_FAIL_POLICY`: what a degraded answer decides. */
      readonly failPolicy: 'open' | 'closed';
    };
  };
  /** CloudWatch Logs retention of the functions' and the API's log groups, days. */
  readonly logRetentionDays: number;
  /** Where alarms are mailed (an SNS email subscription); without it they go to the topic only. */
  readonly alarmEmail?: string;
  /**
   * Detection overrides as `vigil replay --rules` takes them (thresholds,
   * `retentionDays` per signal kind, rules), validated here with the pipeline's
   * own `resolveConfig` and handed to the consumer as `VIGIL_DETECTION_CONFIG`.
   */
  readonly detection: Record<string, unknown>;
}

/** The retention periods CloudWatch Logs accepts, days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The defaults, with the reason for each. */
export const DEFAULT_CONFIG: VigilConfig = {
  stream: {
    mode: EVENT_STREAM.mode,
    shardCount: EVENT_STREAM.shardCount,
    retentionHours: EVENT_STREAM.retentionHours,
  },
  deletionProtection: true,
  consumer: {
    // Lambda's CPU share grows with memory, and 1,024 MB gives a fast cold start and batch (the
    // 31 MB of IP data tables are a small part of it): https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
    memoryMb: 1024,
    timeoutSeconds: 60,
    // The event source mapping of src/shared/streams.ts, which the local poller imitates too.
    batchSize: CONSUMER_EVENT_SOURCE.batchSize,
    maxBatchingWindowSeconds: CONSUMER_EVENT_SOURCE.maximumBatchingWindowMs / 1000,
    retryAttempts: CONSUMER_EVENT_SOURCE.maximumRetryAttempts,
    maxRecordAgeSeconds: CONSUMER_EVENT_SOURCE.maximumRecordAgeSeconds,
    parallelizationFactor: CONSUMER_EVENT_SOURCE.parallelizationFactor,
  },
  api: {
    // Well under the account's regional default (10,000 requests/s) so that one runaway client
    // cannot take it all: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
    rateLimit: 100,
    burstLimit: 200,
    score: {
      // A shop's checkout: tens of orders a second at its peak; the quota stops a leaked key's abuse within a day.
      rateLimit: 50,
      burstLimit: 100,
      quotaPerDay: 1_000_000,
      // DEFAULT_SCORE_BUDGET_MS of src/api/score.ts (not imported: the CDK app stays clear of the handlers' modules).
      budgetMs: 150,
      failPolicy: 'open',
    },
  },
  logRetentionDays: 30,
  detection: {},
};

/*
 * Bounds: Kinesis retention 24–8,760 h (https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html);
 * the Lambda Kinesis event source's batch size 1–10,000, window ≤ 300 s, retry attempts ≤ 10,000,
 * record age 60–604,800 s, parallelization 1–10
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html).
 */
const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** `-c deletionProtection=false` arrives as the string "false". */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);
/** An object, or its JSON text (`-c 'detection={"thresholds":{"review":50,"deny":90}}'`). */
const jsonObject = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  },
  z.record(z.string(), z.unknown()),
);

/** The settable fields, flat, as context keys and config-file keys. */
const fieldsSchema = z
  .object({
    streamMode: z.enum(['on-demand', 'provisioned']),
    shardCount: positiveInt(1, 500),
    streamRetentionHours: positiveInt(24, 8760),
    deletionProtection: flag,
    consumerMemoryMb: positiveInt(512, 10_240),
    consumerTimeoutSeconds: positiveInt(10, 900),
    batchSize: positiveInt(1, 10_000),
    maxBatchingWindowSeconds: positiveInt(0, 300),
    retryAttempts: positiveInt(0, 10_000),
    // -1 (never) is refused below: the DLQ's sequence numbers must point at records still in the stream.
    maxRecordAgeSeconds: z.coerce
      .number()
      .int()
      .refine((n) => n === -1 || (n >= 60 && n <= 604_800), {
        message: 'expected -1 or 60 to 604800',
      }),
    // Lambda allows 1 to 10, but the consumer needs 1: the shop-wide counters remember what they
    // counted as one high-water mark per shard (src/shared/dynamo/counters.ts), exact only
    // when a shard's batches run one at a time. Throughput grows with shards instead
    // (docs/capacity.md).
    parallelizationFactor: z.coerce
      .number()
      .int()
      .refine((n) => n === 1, {
        message:
          'expected 1 (one batch per shard at a time: the counters count per shard; add shards instead)',
      }),
    logRetentionDays: z.coerce.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
    alarmEmail: z.email(),
    // API Gateway's throttling limits: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
    apiRateLimit: positiveInt(1, 10_000),
    apiBurstLimit: positiveInt(1, 5_000),
    scoreRateLimit: positiveInt(1, 10_000),
    scoreBurstLimit: positiveInt(1, 5_000),
    scoreQuotaPerDay: positiveInt(1, 1_000_000_000),
    // The bounds scoreDepsFromEnv (src/api/deps.ts) accepts.
    scoreBudgetMs: positiveInt(1, 10_000),
    scoreFailPolicy: z.enum(['open', 'closed']),
    detection: jsonObject,
  })
  .partial()
  .strict();

type Fields = z.infer<typeof fieldsSchema>;
/** The context and file keys this module reads. */
export const CONFIG_KEYS = Object.keys(fieldsSchema.shape) as (keyof Fields)[];

/** Where the values come from: context lookup (`app.node.tryGetContext`) and a file reader for `configFile`. */
export interface ConfigSources {
  readonly context: (key: string) => unknown;
  readonly readFile?: (path: string) => string;
}

/**
 * The stack configuration: context over `configFile` over {@link DEFAULT_CONFIG}.
 *
 * @throws an Error naming the field and the source for any invalid value, an unknown key in
 * the file, a shard count on an on-demand stream, or a maximum record age that outlives the
 * stream's retention.
 *
 * @example
 * ```ts
 * const config = resolveVigilConfig({ context: (k) => app.node.tryGetContext(k) });
 * ```
 */
export function resolveVigilConfig({
  context,
  readFile = (p) => readFileSync(p, 'utf8'),
}: ConfigSources): VigilConfig {
  const file = context('configFile');
  let fromFile: Fields = {};
  if (file !== undefined) {
    if (typeof file !== 'string') throw new Error('Vigil config: configFile: expected a path');
    let json: unknown;
    try {
      json = JSON.parse(readFile(file));
    } catch (err) {
      throw new Error(`Vigil config file ${file}: ${(err as Error).message}`);
    }
    fromFile = parseFields(json, `config file ${file}`);
  }
  const given = Object.fromEntries(
    CONFIG_KEYS.map((k) => [k, context(k)]).filter(([, v]) => v !== undefined),
  );
  const f: Fields = { ...fromFile, ...parseFields(given, 'CDK context') };

  const mode =
    f.streamMode === undefined
      ? DEFAULT_CONFIG.stream.mode
      : f.streamMode === 'provisioned'
        ? 'PROVISIONED'
        : 'ON_DEMAND';
  if (mode === 'ON_DEMAND' && f.shardCount !== undefined) {
    throw new Error(
      'Vigil config: shardCount: only for streamMode "provisioned" (an on-demand stream sizes itself)',
    );
  }
  const config: VigilConfig = {
    stream: {
      mode,
      shardCount: f.shardCount ?? DEFAULT_CONFIG.stream.shardCount,
      retentionHours: f.streamRetentionHours ?? DEFAULT_CONFIG.stream.retentionHours,
    },
    deletionProtection: f.deletionProtection ?? DEFAULT_CONFIG.deletionProtection,
    consumer: {
      memoryMb: f.consumerMemoryMb ?? DEFAULT_CONFIG.consumer.memoryMb,
      timeoutSeconds: f.consumerTimeoutSeconds ?? DEFAULT_CONFIG.consumer.timeoutSeconds,
      batchSize: f.batchSize ?? DEFAULT_CONFIG.consumer.batchSize,
      maxBatchingWindowSeconds:
        f.maxBatchingWindowSeconds ?? DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds,
      retryAttempts: f.retryAttempts ?? DEFAULT_CONFIG.consumer.retryAttempts,
      maxRecordAgeSeconds: f.maxRecordAgeSeconds ?? DEFAULT_CONFIG.consumer.maxRecordAgeSeconds,
      parallelizationFactor: f.parallelizationFactor ?? DEFAULT_CONFIG.consumer.parallelizationFactor,
    },
    api: {
      rateLimit: f.apiRateLimit ?? DEFAULT_CONFIG.api.rateLimit,
      burstLimit: f.apiBurstLimit ?? DEFAULT_CONFIG.api.burstLimit,
      score: {
        rateLimit: f.scoreRateLimit ?? DEFAULT_CONFIG.api.score.rateLimit,
        burstLimit: f.scoreBurstLimit ?? DEFAULT_CONFIG.api.score.burstLimit,
        quotaPerDay: f.scoreQuotaPerDay ?? DEFAULT_CONFIG.api.score.quotaPerDay,
        budgetMs: f.scoreBudgetMs ?? DEFAULT_CONFIG.api.score.budgetMs,
        failPolicy: f.scoreFailPolicy ?? DEFAULT_CONFIG.api.score.failPolicy,
      },
    },
    logRetentionDays: f.logRetentionDays ?? DEFAULT_CONFIG.logRetentionDays,
    ...(f.alarmEmail !== undefined ? { alarmEmail: f.alarmEmail } : {}),
    detection: f.detection ?? DEFAULT_CONFIG.detection,
  };
  // Records older than the stream's retention are gone: the DLQ's sequence numbers must still point at data.
  const age = config.consumer.maxRecordAgeSeconds;
  if (age === -1 || age >= config.stream.retentionHours * 3600) {
    throw new Error(
      `Vigil config: maxRecordAgeSeconds: ${config.consumer.maxRecordAgeSeconds} s must be less than the stream's ` +
        `retention (streamRetentionHours ${config.stream.retentionHours} h = ${config.stream.retentionHours * 3600} s), ` +
        'so that records sent to the DLQ can still be re-read from the stream',
    );
  }
  try {
    resolveConfig(config.detection);
  } catch (err) {
    throw new Error(`Vigil config: detection: ${(err as Error).message}`);
  }
  return config;
}

function parseFields(input: unknown, source: string): Fields {
  const parsed = fieldsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.') || '(root)';
  throw new Error(`Vigil config (${source}): ${field}: ${issue.message}`);
}
