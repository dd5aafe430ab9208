import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../src/shared/aws.ts';
import { TABLE_ROLES, createTableInput, tableNames } from '../../src/shared/tables.ts';

/** dynalite ships no types: its factory returns a plain `http.Server`. */
type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** Any credentials do for dynalite; given explicitly so the SDK never looks for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A document client for the endpoint, configured by the project's own factory. */
  client(): DynamoDBDocumentClient;
  /** Creates every table of a stage (names `vigil-<stage>-<role>`) and returns their names. */
  createTables(stage: string): Promise<ReturnType<typeof tableNames>>;
  close(): Promise<void>;
}

/**
 * Starts dynalite in-process (in-memory LevelDB, tables ACTIVE at once) on a
 * free loopback port. Create one per test file and a stage per test for
 * isolation.
 *
 * @example
 * ```ts
 * const local = await startDynalite();
 * const tables = await local.createTables('t1');
 * const store = new DynamoProfileStore({ client: local.client(), tables });
 * await local.close();
 * ```
 */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = () => dynamoClient({ endpoint, region: 'eu-central-1', credentials: LOCAL_CREDENTIALS });
  const admin = client();
  return {
    endpoint,
    client,
    async createTables(stage) {
      const names = tableNames(stage);
      for (const role of TABLE_ROLES)
        await admin.send(new CreateTableCommand(createTableInput(role, names[role])));
      return names;
    },
    async close() {
      admin.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
