import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ensureIpData } from '../src/ip-data-builder/build.ts';
import { ENV, POWERTOOLS_ENV } from '../src/shared/env.ts';
import { ASN_FILE, GEO_FILE, NETWORKS_FILE } from '../src/shared/ip-data/load.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../src/shared/observability.ts';

/** The repository root: NodejsFunction's project root and where package-lock.json is. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest Node.js runtime Lambda offers (checked 2026-11:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). A named
 * constant rather than `NODEJS_LATEST`, whose meaning moves with aws-cdk-lib
 * upgrades and would change the runtime in an unrelated dependency bump.
 */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Where a bundle keeps the IP data tables (geolocation, hosting and crawler
 * networks, see `src/shared/ip-data/`), inside the Lambda package
 * (`/var/task` is `LAMBDA_TASK_ROOT` for .zip functions:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const IP_DATA_DIR = 'ip-data';
/** The IP data files a function that enriches events ships. */
export const IP_DATA_FILES = [GEO_FILE, NETWORKS_FILE, ASN_FILE] as const;
/** The environment that points a function at its IP data tables. */
const IP_DATA_ENVIRONMENT = { [ENV.ipDataDir]: `/var/task/${IP_DATA_DIR}` } as const;

/** Powertools' settings for the functions that log and count with it (the consumer, the API's routes). */
export const POWERTOOLS_ENVIRONMENT = {
  [POWERTOOLS_ENV.serviceName]: SERVICE_NAME,
  [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE,
  [POWERTOOLS_ENV.logLevel]: 'INFO',
  // Never log the incoming event: records, bodies and paths carry personal data.
  [POWERTOOLS_ENV.logEvent]: 'false',
} as const;

/**
 * The detection overrides (validated at synthesis by `resolveVigilConfig`) for a function that
 * decides: the consumer and the score route, so that the stream and the score decide alike.
 */
export function detectionEnvironment(detection: Record<string, unknown>): Record<string, string> {
  return Object.keys(detection).length > 0 ? { [ENV.detectionConfig]: JSON.stringify(detection) } : {};
}

/**
 * An ES module bundle still contains CommonJS packages that use `require`
 * (of Node.js built-ins) and `__dirname`; esbuild's ESM output defines
 * neither, so the bundle defines them first.
 * https://esbuild.github.io/api/#banner, https://github.com/evanw/esbuild/issues/1921
 */
const ESM_BANNER =
  "import { createRequire as __vigilCreateRequire } from 'node:module';" +
  "import { fileURLToPath as __vigilFileURLToPath } from 'node:url';" +
  "import { dirname as __vigilDirname } from 'node:path';" +
  'const require = __vigilCreateRequire(import.meta.url);' +
  'const __filename = __vigilFileURLToPath(import.meta.url);' +
  'const __dirname = __vigilDirname(__filename);';

export interface VigilFunctionProps {
  readonly stage: string;
  /** The handler file `functions/<file>.ts`; the function is `vigil-<stage>-<file>`. */
  readonly file: string;
  /** The construct ids of the log group, the role and the function: they fix the logical ids. */
  readonly ids: { readonly logs: string; readonly role: string; readonly fn: string };
  readonly description: string;
  readonly roleDescription: string;
  readonly logRetentionDays: number;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  /** Ship the IP data tables beside the bundle, and point the function at them. */
  readonly ipData: boolean;
}

/** A Vigil function and its log group. */
export interface VigilFunction {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
}

/**
 * A Vigil function (`functions/<file>.ts`): its own log group, and its own role that may write
 * to that log group only (the AWSLambdaBasicExecutionRole managed policy would let it write to
 * every log group); arm64 (Graviton: about 20 % cheaper per GB-second:
 * https://aws.amazon.com/lambda/pricing/), bundled by {@link lambdaBundling}.
 *
 * @example
 * ```ts
 * const { fn } = vigilFunction(this, { stage, file: 'get-health', ids: { logs: 'Logs', role: 'Role', fn: 'Fn' }, … });
 * ```
 */
export function vigilFunction(scope: Construct, props: VigilFunctionProps): VigilFunction {
  const name = `vigil-${props.stage}-${props.file}`;
  const logGroup = new LogGroup(scope, props.ids.logs, {
    logGroupName: `/aws/lambda/${name}`,
    retention: props.logRetentionDays,
    // The logs hold pseudonyms and counts only; they expire by retention, a stack deletion may take them.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, props.ids.role, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, props.ids.fn, {
    functionName: name,
    description: props.description,
    entry: join(ROOT, `functions/${props.file}.ts`),
    handler: 'handler',
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    runtime: FUNCTION_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    environment: { ...props.environment, ...(props.ipData ? IP_DATA_ENVIRONMENT : {}) },
    bundling: lambdaBundling({ ipData: props.ipData }),
  });
  return { fn, logGroup };
}

/**
 * Use of the tables' customer-managed key, which DynamoDB uses on the caller's behalf: through
 * DynamoDB only (`kms:ViaService`), and only Decrypt for a caller that only reads.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 */
export function tableKeyStatement(
  key: IKey,
  region: string,
  { writes }: { writes: boolean },
): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: writes
      ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']
      : ['kms:Decrypt', 'kms:DescribeKey'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
  });
}

/**
 * How every Vigil function is bundled: local esbuild (a devDependency, never Docker), one minified
 * ES module for Node.js 24 with the AWS SDK inside. With `ipData`, the IP data tables are copied
 * beside the bundle: only the functions that enrich events with IP facts ship the 31 MB.
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { entry, bundling: lambdaBundling({ ipData: false }) });
 * ```
 */
export function lambdaBundling({ ipData }: { ipData: boolean }): BundlingOptions {
  return {
    // Local esbuild (a devDependency), never Docker.
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    // Bundle the AWS SDK too: the code runs with the SDK versions it was tested with, not
    // whatever the runtime ships (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html).
    externalModules: [],
    banner: ESM_BANNER,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // The tables are files read at the first lookup, not code: esbuild cannot bundle them.
      afterBundling: (_inputDir: string, outputDir: string) => (ipData ? ipDataCommands(outputDir) : []),
    },
  };
}

/**
 * Shell commands (run locally after esbuild) that copy the IP data tables beside the bundle,
 * built first if their sources changed since they were last built.
 */
export function ipDataCommands(outputDir: string): string[] {
  const { dir } = ensureIpData();
  const target = join(outputDir, IP_DATA_DIR);
  return [
    `mkdir -p "${target}"`,
    ...IP_DATA_FILES.map((file) => `cp "${join(dir, file)}" "${target}/${file}"`),
  ];
}
