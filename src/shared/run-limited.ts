/**
 * Runs the tasks with at most `limit` in flight (so that a batch's many
 * DynamoDB calls neither queue up one by one nor burst past the table's
 * limits); rejects with the first failure once all have settled.
 *
 * @example
 * ```ts
 * await runLimited(keys.map((key) => () => update(key)), 8);
 * ```
 */
export async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task().catch((e: unknown) => void errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
