/**
 * The embedded local stack: kinesalite and dynalite in-process, each on a worker
 * thread of its own (`emulator.ts`), on free loopback ports, the stream and tables created from the shared definitions
 * (`streams.ts`, `tables.ts`, the same the CDK stack maps), and the REAL
 * consumer Lambda (`functions/consume-events.ts`) fed by the local Kinesis
 * event-source poller with Lambda's semantics.
 *
 * The handler builds its dependencies from the environment at cold start, as
 * in Lambda: the stack sets that environment (endpoint, region, table names,
 * stage, key, placeholder credentials) for its lifetime and restores it on
 * `close()`. One stack per process at a time.
 *
 * The APIs are served by the local HTTP gateway (`gateway.ts`): the REAL API handlers
 * (`functions/score-order.ts`, …) behind API Gateway's REST proxy semantics, with a random
 * bearer token per role made on every start.
 *
 * One stack per folder: the stack locks the folder of `.vigil/local.json` and its data folder
 * (`stack-lock.ts`) and refuses to start while another live stack holds either. Its files are
 * the owner's only (`private-files.ts`). docs/local-stack.md says what persists where.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { CreateTableCommand, ResourceInUseException as TableInUse } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUse,
} from '@aws-sdk/client-kinesis';
import type { Context } from 'aws-lambda';
import type { handler as ConsumeHandler } from '../../functions/consume-events.ts';
import type { Role } from '../shared/roles.ts';
import { DEFAULT_REGION, type DynamoClient, dynamoClient } from '../shared/aws.ts';
import { AWS_ENV, ENV, POWERTOOLS_ENV, readEnv, TABLE_ENV } from '../shared/env.ts';
import { resolveLocalKey } from '../shared/keys.ts';
import { kinesisClient } from '../shared/kinesis.ts';
import { CONSUMER_EVENT_SOURCE, createStreamInput, streamName } from '../shared/streams.ts';
import { TABLE_ROLES, type TableRole, createTableInput, tableNames } from '../shared/tables.ts';
import { FileCheckpoints } from './checkpoints.ts';
import { CONSOLE_DIR } from '../shared/console.ts';
import { type ApiHandler, type Gateway, startGateway } from './gateway.ts';
import { type RunningEmulator, startEmulator } from './emulator.ts';
import { type FailedRecords, KinesisPoller } from './poller.ts';
import { privateFolder, writePrivateFile } from './private-files.ts';
import { lockFolder } from './stack-lock.ts';

/** Where the stack says how to reach it, relative to the directory it was started in. */
export const LOCAL_STACK_FILE = '.vigil/local.json';

/** Any credentials do for the emulators; the SDK insists on having some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What `.vigil/local.json` holds. */
export interface LocalStackInfo {
  kinesis: { endpoint: string; region: string; streamName: string };
  dynamodb: { endpoint: string; region: string; tables: Record<TableRole, string> };
  /** The local HTTP gateway of the APIs: `http://127.0.0.1:PORT`. */
  apiUrl: string;
  /** The bearer token of each role, new on every start. */
  tokens: Record<Role, string>;
  /** The folder of the dead letters' full sealed records (S3 in AWS). */
  deadLetterDir: string;
}

export interface LocalStackOptions {
  /**
   * Persist the emulators' data in `<dataDir>/kinesis` and `<dataDir>/dynamodb`, the poller's
   * position in each shard in `<dataDir>/checkpoints`, and the dead letters' records in
   * `<dataDir>/dead-letters`. Default: in memory, the records in a temporary folder removed on
   * close (`vigil start` defaults to `.vigil`).
   */
  dataDir?: string;
  /** Names `vigil-<stage>-…`. Default `local`. */
  stage?: string;
  /** Where `.vigil/local.json` is written. Default: the working directory. */
  cwd?: string;
  /** Where the contents of `.vigil/local.json` are printed. Default: standard output. */
  print?: (text: string) => void;
  /** The built analyst console the gateway serves at `/console/`. Default: `dist/console/`. */
  consoleDir?: string;
  /** Poller idle delay, ms (Lambda polls an idle shard about once a second). Default 200. */
  idleDelayMs?: number;
}

export interface LocalStack extends LocalStackInfo {
  /** The path of the written `.vigil/local.json`. */
  file: string;
  poller: KinesisPoller;
  /** Records the poller gave up on (Lambda's on-failure destination): metadata only. */
  failures: FailedRecords[];
  /** Requests each emulator served, by API operation (`PutRecords`, `BatchWriteItem`, …). */
  requests: { kinesis: Record<string, number>; dynamodb: Record<string, number> };
  /** A Kinesis client for the stack (the project's factory, placeholder credentials). */
  kinesisClient(): KinesisClient;
  /** A DynamoDB document client for the stack. */
  dynamoClient(): DynamoClient;
  /**
   * A failure drill: DynamoDB stops answering for the rest of the stack's life, `refuse`
   * (dynalite closed: connections refused) or `hang` (requests accepted, never answered).
   */
  failDynamo(mode: 'refuse' | 'hang'): Promise<void>;
  /** Stops the poller (its batches in flight finish), the emulators, and restores the environment. */
  close(): Promise<void>;
}

async function closeServer(server: Server): Promise<void> {
  // Idle keep-alive connections of the clients would hold close() open.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

/** A Lambda context for local invocations. */
function lambdaContext(functionName: string, region: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

let instances = 0;

/**
 * Starts the local stack: emulators, stream, tables, the real consumer behind
 * the poller; writes and prints `.vigil/local.json`.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack();
 * await putRecordsAll(stack.kinesisClient(), stack.kinesis.streamName, records);
 * await stack.poller.whenIdle();
 * await stack.close();
 * ```
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stage = options.stage ?? 'local';
  const region = DEFAULT_REGION;
  const file = resolve(options.cwd ?? process.cwd(), LOCAL_STACK_FILE);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const paths = dataDir
    ? { kinesis: join(dataDir, 'kinesis'), dynamodb: join(dataDir, 'dynamodb') }
    : undefined;
  if (paths) for (const dir of Object.values(paths)) mkdirSync(dir, { recursive: true });
  const deadLetterDir = dataDir
    ? join(dataDir, 'dead-letters')
    : mkdtempSync(join(tmpdir(), 'vigil-dead-letters-'));

  const locks: (() => Promise<void>)[] = [];
  const emulators: RunningEmulator[] = [];
  const servers: Server[] = [];
  const clients: { destroy(): void }[] = [];
  const saved = new Map<string, string | undefined>();
  const restoreEnv = (): void => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    saved.clear();
  };
  let poller: KinesisPoller | undefined;
  const close = async (): Promise<void> => {
    try {
      await poller?.stop();
    } finally {
      for (const client of clients.splice(0)) client.destroy();
      await Promise.all([
        ...servers.splice(0).map(closeServer),
        ...emulators.splice(0).map((e) => e.close()),
      ]);
      restoreEnv();
      for (const release of locks.splice(0)) await release();
      if (!dataDir) rmSync(deadLetterDir, { recursive: true, force: true });
    }
  };

  try {
    for (const dir of new Set([dirname(file), ...(dataDir ? [dataDir] : [])]))
      locks.push(await lockFolder(dir));
    if (paths) for (const dir of Object.values(paths)) privateFolder(dir);
    const kinesalite = await startEmulator('kinesalite', {
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 50,
      ssl: false,
      ...(paths ? { path: paths.kinesis } : {}),
    });
    emulators.push(kinesalite);
    const dynalite = await startEmulator('dynalite', {
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(paths ? { path: paths.dynamodb } : {}),
    });
    emulators.push(dynalite);
    const kinesisEndpoint = kinesalite.endpoint;
    const dynamoEndpoint = dynalite.endpoint;
    const requests = {
      get kinesis() {
        return kinesalite.counts();
      },
      get dynamodb() {
        return dynalite.counts();
      },
    };
    const newKinesisClient = (): KinesisClient => {
      const client = kinesisClient({ endpoint: kinesisEndpoint, region, credentials: LOCAL_CREDENTIALS });
      clients.push(client);
      return client;
    };
    const newDynamoClient = (): DynamoClient => {
      const client = dynamoClient({ endpoint: dynamoEndpoint, region, credentials: LOCAL_CREDENTIALS });
      clients.push(client);
      return client;
    };

    // The stream and the tables, from the shared definitions; they exist already on a persisted restart.
    const stream = streamName(stage);
    const kinesis = newKinesisClient();
    try {
      await kinesis.send(new CreateStreamCommand(createStreamInput(stream)));
    } catch (err) {
      if (!(err instanceof StreamInUse)) throw err;
    }
    for (let attempt = 0; ; attempt++) {
      const { StreamDescriptionSummary: s } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: stream }),
      );
      if (s?.StreamStatus === 'ACTIVE') break;
      if (attempt >= 200) throw new Error(`stream ${stream} not ACTIVE: ${s?.StreamStatus}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const tables = tableNames(stage);
    const dynamo = newDynamoClient();
    for (const role of TABLE_ROLES) {
      try {
        await dynamo.send(new CreateTableCommand(createTableInput(role, tables[role])));
      } catch (err) {
        if (!(err instanceof TableInUse)) throw err;
      }
    }

    // The handler's environment, as its Lambda configuration would set it.
    const key = resolveLocalKey(options.cwd ? resolve(options.cwd, '.vigil/pseudonym-key.json') : undefined);
    const env: Record<string, string | undefined> = {
      [ENV.stage]: stage,
      [ENV.pseudonymKey]: `${key.version}:${key.secret.toString('base64')}`,
      [ENV.deadLetterDir]: deadLetterDir,
      [AWS_ENV.region]: region,
      [AWS_ENV.dynamoEndpoint]: dynamoEndpoint,
      [AWS_ENV.accessKeyId]: LOCAL_CREDENTIALS.accessKeyId,
      [AWS_ENV.secretAccessKey]: LOCAL_CREDENTIALS.secretAccessKey,
      [AWS_ENV.sessionToken]: undefined,
      // The handler's per-batch log lines and EMF metrics would flood a terminal; opt in by setting them.
      [POWERTOOLS_ENV.logLevel]: readEnv(POWERTOOLS_ENV.logLevel) ?? 'WARN',
      [POWERTOOLS_ENV.metricsDisabled]: readEnv(POWERTOOLS_ENV.metricsDisabled) ?? 'true',
    };
    for (const role of TABLE_ROLES) env[TABLE_ENV[role]] = tables[role];
    for (const [name, value] of Object.entries(env)) {
      saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }

    // A fresh module instance per stack: a cold start, with this stack's environment.
    const url = new URL('../../functions/consume-events.ts', import.meta.url).href;
    const { handler } = (await import(`${url}?stack=${++instances}`)) as { handler: typeof ConsumeHandler };
    const functionName = `vigil-${stage}-consume-events`;
    const failures: FailedRecords[] = [];
    poller = new KinesisPoller({
      client: newKinesisClient(),
      streamName: stream,
      region,
      // The event source mapping the CDK stack deploys (record age and parallelisation are not modelled).
      startingPosition: CONSUMER_EVENT_SOURCE.startingPosition,
      batchSize: CONSUMER_EVENT_SOURCE.batchSize,
      maximumBatchingWindowMs: CONSUMER_EVENT_SOURCE.maximumBatchingWindowMs,
      bisectBatchOnError: CONSUMER_EVENT_SOURCE.bisectBatchOnError,
      maximumRetryAttempts: CONSUMER_EVENT_SOURCE.maximumRetryAttempts,
      idleDelayMs: options.idleDelayMs ?? 200,
      ...(dataDir
        ? { checkpoints: new FileCheckpoints(join(dataDir, 'checkpoints', `${stream}.json`)) }
        : {}),
      onFailure: (failure) => void failures.push(failure),
      handler: (event) => handler(event, lambdaContext(functionName, region)),
    });
    await poller.start();

    // The APIs: the real handler modules, each a fresh instance (its own cold start) on its first request.
    const gateway: Gateway = await startGateway({
      stage,
      load: async (route) => {
        const url = new URL(`../../functions/${route.function}.ts`, import.meta.url).href;
        return ((await import(`${url}?stack=${instances}`)) as { handler: ApiHandler }).handler;
      },
      context: (name) => lambdaContext(name, region),
      consoleDir: options.consoleDir ?? CONSOLE_DIR,
    });
    servers.push(gateway.server);

    const info: LocalStackInfo = {
      kinesis: { endpoint: kinesisEndpoint, region, streamName: stream },
      dynamodb: { endpoint: dynamoEndpoint, region, tables },
      apiUrl: gateway.url,
      tokens: gateway.tokens,
      deadLetterDir,
    };
    const text = `${JSON.stringify(info, null, 2)}\n`;
    writePrivateFile(file, text);
    (options.print ?? ((t: string) => void process.stdout.write(t)))(text);

    const failDynamo = (mode: 'refuse' | 'hang'): Promise<void> =>
      mode === 'hang' ? dynalite.hang() : dynalite.close();

    return {
      ...info,
      file,
      poller,
      failures,
      requests,
      kinesisClient: newKinesisClient,
      dynamoClient: newDynamoClient,
      failDynamo,
      close,
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
