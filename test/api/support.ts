/**
 * The APIs under test: dynalite with a fresh stage's tables, the handlers' environment as the
 * local stack sets it, and the local gateway serving the REAL handler modules (a fresh
 * instance of each per harness: its own cold start). `call` sends one request and, for a 200,
 * checks the answer against the route's own response schema (the one the OpenAPI document
 * is generated from).
 */
import type { DynamoClient } from '../../src/shared/aws.ts';
import type { Context } from 'aws-lambda';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../src/shared/roles.ts';
import { ROUTES, type RouteId } from '../../src/api/routes.ts';
import { type ApiHandler, type Gateway, startGateway } from '../../src/local/gateway.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { TABLE_ROLES } from '../../src/shared/tables.ts';
import { LOCAL_CREDENTIALS, type LocalDynamo, startDynalite } from '../support/local-dynamo.ts';
import { TEST_KEY_TEXT } from '../factories/pipeline.ts';

let harnesses = 0;

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface ApiHarness {
  gateway: Gateway;
  local: LocalDynamo;
  tables: Record<TableRole, string>;
  client: DynamoClient;
  /** One request to `route`; `as` is the role whose token is sent (none: no Authorization header). */
  call(
    route: RouteId,
    options?: { as?: Role; token?: string; path?: string; query?: string; body?: unknown; rawBody?: string },
  ): Promise<Answer>;
  /** Every item of a table. */
  scan(role: TableRole): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A Lambda context for one local invocation. */
export function aLambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `req-${functionName}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Starts dynalite, the tables of a fresh stage, the handlers' environment (restored by
 * `close`) and the gateway. `env` adds or overrides variables (`VIGIL_SCORE_BUDGET_MS`).
 *
 * @example
 * ```ts
 * const api = await startApi();
 * const answer = await api.call('listAlerts', { as: 'analyst', query: 'status=open' });
 * await api.close();
 * ```
 */
export async function startApi(env: Record<string, string> = {}): Promise<ApiHarness> {
  const n = ++harnesses;
  const local = await startDynalite();
  const stage = `api${n}`;
  const tables = await local.createTables(stage);
  const vars: Record<string, string> = {
    VIGIL_STAGE: stage,
    VIGIL_PSEUDONYM_KEY: TEST_KEY_TEXT,
    AWS_REGION: 'eu-central-1',
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  const gateway = await startGateway({
    stage,
    load: async (route) => {
      const url = new URL(`../../functions/${route.function}.ts`, import.meta.url).href;
      return ((await import(`${url}?api=${n}`)) as { handler: ApiHandler }).handler;
    },
    context: aLambdaContext,
  });
  const client = local.client();
  return {
    gateway,
    local,
    tables,
    client,
    async call(id, options = {}) {
      const route = ROUTES[id];
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const token = options.token ?? (options.as ? gateway.tokens[options.as] : undefined);
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const path = options.path ?? route.path;
      const query = options.query ? `?${options.query}` : '';
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const res = await fetch(`${gateway.url}${path}${query}`, { method: route.method, headers, body });
      const answer = {
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
        headers: res.headers,
      };
      // The route's answer schema is strict: an answer the OpenAPI document does not describe fails here.
      if (answer.status === 200) route.response.parse(answer.body);
      return answer;
    },
    async scan(role) {
      const { Items } = await client.send(new ScanCommand({ TableName: tables[role] }));
      return Items ?? [];
    },
    async close() {
      gateway.server.closeAllConnections();
      await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
      client.destroy();
      await local.close().catch(() => {});
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** Every table's item count (the score endpoint must leave them all as they were). */
export async function itemCounts(api: ApiHarness): Promise<Record<string, number>> {
  const counts = await Promise.all(
    TABLE_ROLES.map(async (role) => [role, (await api.scan(role)).length] as const),
  );
  return Object.fromEntries(counts);
}
