/**
 * A value built on the first call and shared by every later one: how each Lambda entry builds
 * its dependencies once per cold start (Powertools' examples initialise outside the handler for
 * the same reason: https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html#function-code).
 *
 * A promise, so that calls overlapping the build (the local gateway's requests, the local
 * poller's shards side by side) share one build and one secret read; a failed build is
 * forgotten, so that the next call tries again rather than failing until the instance is
 * recycled. Call it at module level: each function instance gets its own.
 *
 * @example
 * ```ts
 * const deps = once(alertsDepsFromEnv);
 * export const handler = apiHandler(ROUTES.getAlert, async ({ caller, params }) => getAlert(await deps(), caller, params.id));
 * ```
 */
export function once<T>(build: () => T | Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () =>
    (built ??= Promise.resolve()
      .then(() => build())
      .catch((err: unknown) => {
        built = undefined;
        throw err;
      }));
}
