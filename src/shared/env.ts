import { TABLE_ROLES, type TableRole, tableNames } from './tables.ts';

/**
 * The environment variables of Vigil's functions, by name: the one list that the functions'
 * dependency builders read and the CDK stack (`infra/`) and the local stack (`src/local/stack.ts`)
 * set, so that a name is spelt once. README.md's configuration table describes each.
 */
export const ENV = {
  /** The deployment stage: table names `vigil-<stage>-…` and the metrics' `stage` dimension. */
  stage: 'VIGIL_STAGE',
  /** The Secrets Manager secret holding the pseudonymisation key (AWS). */
  pseudonymKeySecretArn: 'VIGIL_PSEUDONYM_SECRET_ARN',
  /** The pseudonymisation key itself, `v1:<base64>` (the local stack, the CLI). */
  pseudonymKey: 'VIGIL_PSEUDONYM_KEY',
  /** Detection settings as JSON, as `vigil replay --rules` takes them (consumer and score). */
  detectionConfig: 'VIGIL_DETECTION_CONFIG',
  /** The S3 bucket of the dead letters' full sealed records (AWS). */
  deadLetterBucket: 'VIGIL_DEAD_LETTER_BUCKET',
  /** The folder of the dead letters' full sealed records (the local stack). */
  deadLetterDir: 'VIGIL_DEAD_LETTER_DIR',
  /** The folder of the IP data tables (a function's package). */
  ipDataDir: 'VIGIL_IP_DATA_DIR',
  /** The score's time budget, ms. */
  scoreBudgetMs: 'VIGIL_SCORE_BUDGET_MS',
  /** What a degraded score decides: `open` or `closed`. */
  scoreFailPolicy: 'VIGIL_SCORE_FAIL_POLICY',
  /** The only IAM role whose sessions may call the customers'-rights routes. */
  privacyServiceRoleArn: 'VIGIL_PRIVACY_SERVICE_ROLE_ARN',
  /** The authorizer's Cognito user pool, its app clients (comma-separated), and the routes it guards (JSON). */
  userPoolId: 'VIGIL_USER_POOL_ID',
  userPoolClientId: 'VIGIL_USER_POOL_CLIENT_ID',
  authRoutes: 'VIGIL_AUTH_ROUTES',
  /** The analyst console's origin (AWS), the one origin whose pages may read the API's answers (CORS). */
  consoleOrigin: 'VIGIL_CONSOLE_ORIGIN',
} as const;

/** An explicit table name per role, over the stage's `vigil-<stage>-…` (other setups than the stacks'). */
export const TABLE_ENV = {
  profiles: 'TABLE_PROFILES',
  decisions: 'TABLE_DECISIONS',
  alerts: 'TABLE_ALERTS',
  deadLetters: 'TABLE_DEAD_LETTERS',
  audit: 'TABLE_AUDIT',
  lists: 'TABLE_LISTS',
} as const satisfies Record<TableRole, string>;

/**
 * Powertools' own variables that the stacks set:
 * https://docs.aws.amazon.com/powertools/typescript/latest/environment-variables/
 */
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  logEvent: 'POWERTOOLS_LOGGER_LOG_EVENT',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
} as const;

/**
 * The AWS SDK's own variables that Vigil reads or the local stack sets:
 * https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html
 */
export const AWS_ENV = {
  region: 'AWS_REGION',
  endpoint: 'AWS_ENDPOINT_URL',
  dynamoEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  kinesisEndpoint: 'AWS_ENDPOINT_URL_KINESIS',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
} as const;

type ValueOf<T> = T[keyof T];
/** A variable this module names. */
export type EnvName =
  ValueOf<typeof ENV> | ValueOf<typeof TABLE_ENV> | ValueOf<typeof POWERTOOLS_ENV> | ValueOf<typeof AWS_ENV>;

/** Where a reader looks: `process.env` by default, a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A variable's value, or an Error naming the variable when `required` and it is absent. An
 * empty value reads as absent. The error never quotes a value: values may be secrets.
 *
 * @example
 * ```ts
 * readEnv(ENV.stage); // 'dev', or undefined
 * readEnv(ENV.userPoolId, { required: true }); // throws 'VIGIL_USER_POOL_ID: not set' when absent
 * ```
 */
export function readEnv(name: EnvName, options: { env?: Environment; required: true }): string;
export function readEnv(name: EnvName, options?: { env?: Environment; required?: false }): string | undefined;
export function readEnv(
  name: EnvName,
  { env = process.env, required = false }: { env?: Environment; required?: boolean } = {},
): string | undefined {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (required) throw new Error(`${name}: not set`);
  return undefined;
}

/**
 * A variable holding JSON, parsed; undefined when absent. A value that is not JSON is an Error
 * naming the variable (JSON.parse's own message would quote the text).
 */
export function readJsonEnv(name: EnvName, env: Environment = process.env): unknown {
  const text = readEnv(name, { env });
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${name}: expected JSON`);
  }
}

/**
 * The table names the environment gives, by role: `TABLE_<ROLE>` where set, else the stage's
 * (`VIGIL_STAGE`, the names the stacks create their tables with).
 *
 * @throws naming both variables for a role that has neither.
 *
 * @example
 * ```ts
 * tablesFromEnv({ VIGIL_STAGE: 'dev' }).alerts; // 'vigil-dev-alerts'
 * ```
 */
export function tablesFromEnv(env: Environment = process.env): Record<TableRole, string> {
  const stage = readEnv(ENV.stage, { env });
  const byStage = stage === undefined ? undefined : tableNames(stage);
  return Object.fromEntries(
    TABLE_ROLES.map((role) => {
      const name = readEnv(TABLE_ENV[role], { env }) ?? byStage?.[role];
      if (name === undefined) throw new Error(`set ${ENV.stage} or ${TABLE_ENV[role]}`);
      return [role, name];
    }),
  ) as Record<TableRole, string>;
}
