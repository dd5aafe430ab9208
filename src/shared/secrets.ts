import { parseKey } from './keys.ts';
import { ENV, type Environment, readEnv } from './env.ts';
import type { PseudonymKey } from './pseudonymise.ts';

/**
 * Fetches a secret's string value by name or ARN. The default is Powertools
 * Parameters' `getSecret` (Secrets Manager `GetSecretValue`), loaded lazily so
 * that the local stack, which never sets a secret ARN, does not load the
 * Secrets Manager client at all.
 */
export type SecretFetcher = (secretId: string) => Promise<string | undefined>;

/**
 * How long Powertools may serve the secret from its cache, seconds. The value
 * never changes in place (a key rotation is a new version label rolled out by a
 * deployment, see docs/deploy.md "Rotating the pseudonymisation key"), so one read per execution
 * environment is enough: 12 hours outlives any Lambda execution environment.
 * https://docs.aws.amazon.com/powertools/typescript/latest/features/parameters/#adjusting-cache-ttl
 */
const SECRET_MAX_AGE_S = 12 * 3600;

const powertoolsGetSecret: SecretFetcher = async (secretId) => {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  // No `transform: 'json'`: its parse error would quote the secret text into the error message.
  const value = await getSecret(secretId, { maxAge: SECRET_MAX_AGE_S });
  if (value instanceof Uint8Array)
    throw new Error(`pseudonym key secret ${secretId}: expected a string secret, got binary`);
  return value;
};

/**
 * Turns the pseudonymisation key secret's value, `{"version":"v1","secret":"<base64>"}`
 * (the shape the CDK stack generates and `.vigil/pseudonym-key.json` has), into
 * the master key `v1:<secret>`.
 *
 * Errors describe what is wrong without ever quoting the value: they end up in
 * CloudWatch Logs.
 *
 * @example
 * ```ts
 * parseKeySecret('{"version":"v1","secret":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="}').version; // 'v1'
 * ```
 */
export function parseKeySecret(value: string): PseudonymKey {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // V8's message quotes the text it failed on: never rethrow it.
    throw new Error('pseudonym key secret: not JSON; expected {"version":"v<N>","secret":"<base64>"}');
  }
  const { version, secret } = (typeof json === 'object' && json !== null ? json : {}) as {
    version?: unknown;
    secret?: unknown;
  };
  if (typeof version !== 'string' || typeof secret !== 'string') {
    throw new Error('pseudonym key secret: expected {"version":"v<N>","secret":"<base64>"} (both strings)');
  }
  try {
    return parseKey(`${version}:${secret}`);
  } catch (err) {
    // parseKey's message quotes nothing, but say which source was wrong.
    throw new Error(`pseudonym key secret: ${(err as Error).message}`);
  }
}

/**
 * The pseudonymisation key of a Lambda function or the local stack:
 *
 * - `VIGIL_PSEUDONYM_SECRET_ARN` set (AWS): reads that Secrets Manager secret
 *   (with Powertools Parameters, cached) and parses it with {@link parseKeySecret};
 *   the key never passes through an environment variable;
 * - else `VIGIL_PSEUDONYM_KEY` (`v1:<base64>`), which the local stack sets;
 * - else an error naming both variables.
 *
 * Callers read it once per cold start and keep the result.
 *
 * @example
 * ```ts
 * const key = await loadPseudonymKey(); // in a function's deps builder (src/pipeline/deps.ts)
 * ```
 */
export async function loadPseudonymKey(
  env: Environment = process.env,
  fetchSecret: SecretFetcher = powertoolsGetSecret,
): Promise<PseudonymKey> {
  const arn = readEnv(ENV.pseudonymKeySecretArn, { env });
  if (arn) {
    const value = await fetchSecret(arn);
    if (!value) throw new Error(`pseudonym key secret ${arn}: empty or missing`);
    return parseKeySecret(value);
  }
  const keyText = readEnv(ENV.pseudonymKey, { env });
  if (keyText) return parseKey(keyText);
  throw new Error(`pseudonym key: set ${ENV.pseudonymKeySecretArn} (AWS) or ${ENV.pseudonymKey} (local)`);
}
