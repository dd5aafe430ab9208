/** Conditional and map-path UpdateItem requests, and the bounded parallelism the adapters send them with. */
import { UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import pRetry from 'p-retry';

/** A DynamoDB item as the document client hands it over. */
export type Item = Record<string, unknown>;

/** Rounds of "create the map, then set its paths" before a write gives up (see {@link updateMapPaths}). */
const MAP_CREATE_ATTEMPTS = 4;

const errorName = (e: unknown): string | undefined => (e as { name?: string } | null)?.name;

/** A conditional request whose condition failing means "nothing to do": its output, or undefined then. */
export async function ignoringConditionFailure<T extends object>(
  request: Promise<T>,
): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (errorName(e) === 'ConditionalCheckFailedException') return undefined;
    throw e;
  }
}

/**
 * UpdateItem whose ConditionExpression failing means "nothing to do" rather than an error.
 *
 * @returns whether the update was applied.
 */
export async function updateIgnoringConditionFailure(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<boolean> {
  return (await ignoringConditionFailure(client.send(new UpdateCommand(input)))) !== undefined;
}

/** DynamoDB's answer to a path (`obs.#id`) whose parent map does not exist. */
const isMissingMap = (e: unknown): boolean =>
  errorName(e) === 'ValidationException' &&
  /document path provided in the update expression is invalid/i.test((e as Error).message ?? '');

/**
 * UpdateItem that sets paths inside a map attribute (`SET obs.#id = :o`), creating the map
 * first when the item or the map does not exist yet: DynamoDB rejects a path whose parent
 * is missing with a ValidationException, and a path and its parent cannot both appear in one
 * expression (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 *
 * An erasure deletes a profile item left empty, and an item just created here is empty until
 * the update fills it: should one be deleted in between, it is created again, a bounded number
 * of times (no pause: the map is missing, not the table busy).
 *
 * @param update the update of the map's paths (its `ReturnValues` decide what is returned)
 * @param create an idempotent update that creates the map (`SET obs = if_not_exists(obs, :empty)`)
 * @returns the update's `Attributes`
 */
export function updateMapPaths(
  client: DynamoDBDocumentClient,
  update: UpdateCommandInput,
  create: UpdateCommandInput,
): Promise<Item | undefined> {
  return pRetry(
    async (attempt) => {
      if (attempt > 1) await client.send(new UpdateCommand(create));
      return (await client.send(new UpdateCommand(update))).Attributes;
    },
    { retries: MAP_CREATE_ATTEMPTS - 1, minTimeout: 0, shouldRetry: ({ error }) => isMissingMap(error) },
  );
}

/**
 * Runs the tasks with at most `concurrency` in flight (so that a batch's many requests neither
 * queue up one by one nor burst past the table's limits); rejects with the first failure once
 * all have settled, so that a failure leaves no request of the batch still running.
 */
export async function settleLimited(
  tasks: readonly (() => Promise<unknown>)[],
  concurrency: number,
): Promise<void> {
  const limit = pLimit(concurrency);
  const results = await Promise.allSettled(tasks.map((task) => limit(task)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
