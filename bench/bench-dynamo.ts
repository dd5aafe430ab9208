/**
 * The local DynamoDB of the cold-start bench: dynalite on a worker thread of its own, with every
 * table of stage `dev`, and the region and placeholder credentials of the measuring processes.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startEmulator } from '../src/local/emulator.ts';
import { type DynamoClient, dynamoClient } from '../src/shared/aws.ts';
import { TABLE_ROLES, type TableRole, createTableInput, tableNames } from '../src/shared/tables.ts';

/** The stage of the functions' tables: the template's `VIGIL_STAGE`. */
export const STAGE = 'dev';
/** The region and the placeholder credentials of every measuring process (dynalite takes any). */
export const REGION = 'eu-central-1';
export const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** The local DynamoDB of a measurement. */
export interface BenchDynamo {
  /** `http://127.0.0.1:<port>`: what the measuring processes get as `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  /** The tables of stage `dev`, by role. */
  readonly tables: Record<TableRole, string>;
  /** A document client for it (the project's factory): to look at what the functions wrote. */
  client(): DynamoClient;
  /** Stops dynalite and its thread. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on a worker thread of its own (`src/local/emulator.ts`: it answers while
 * `measureInit` (bench/bundles.ts) blocks the main thread in `execFileSync`) with every table of stage `dev`
 * created from the shared definitions, in memory.
 *
 * @example
 * ```ts
 * const dynamo = await startBenchDynamo();
 * measureInit(bundle, { endpoint: dynamo.endpoint });
 * await dynamo.close();
 * ```
 */
export async function startBenchDynamo(): Promise<BenchDynamo> {
  const emulator = await startEmulator('dynalite', { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const clients: { destroy(): void }[] = [];
  const client = () => {
    const c = dynamoClient({ endpoint: emulator.endpoint, region: REGION, credentials: CREDENTIALS });
    clients.push(c);
    return c;
  };
  try {
    const tables = tableNames(STAGE);
    const admin = client();
    for (const role of TABLE_ROLES)
      await admin.send(new CreateTableCommand(createTableInput(role, tables[role])));
    return {
      endpoint: emulator.endpoint,
      tables,
      client,
      close: async () => {
        for (const c of clients.splice(0)) c.destroy();
        await emulator.close();
      },
    };
  } catch (err) {
    for (const c of clients.splice(0)) c.destroy();
    await emulator.close();
    throw err;
  }
}
