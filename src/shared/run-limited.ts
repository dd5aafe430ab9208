import pLimit from 'p-limit';

/**
 * Runs the tasks with at most `limit` in flight (p-limit), so that a batch's many DynamoDB calls
 * neither queue up one by one nor burst past the table's limits. Rejects with the first failure
 * only once every task has settled (where `limit.map` rejects at once): a caller that retries
 * after a failure must not race its own requests still in flight.
 * https://github.com/sindresorhus/p-limit#readme
 *
 * @example
 * ```ts
 * await runLimited(keys.map((key) => () => update(key)), 8);
 * ```
 */
export async function runLimited(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  const limited = pLimit(limit);
  const results = await Promise.allSettled(tasks.map((task) => limited(task)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
