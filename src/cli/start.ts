import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type DynamoDBDocumentClient, type ScanCommandInput, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  ATTACK_SCENARIOS,
  type AttackScenario,
  type DemoOptions,
  type LabelledEvent,
  labelledDemoTraffic,
  resolveDemoOptions,
} from '../demo/traffic.ts';
import { type PutRecord, type PutRecordsResult, putRecordsAll } from '../shared/kinesis.ts';
import { type LocalStack, LOCAL_STACK_FILE, startLocalStack } from '../local/stack.ts';
import { partitionKeyOf } from './send.ts';
import { Progress } from './progress.ts';

/** Where `vigil start` keeps its state unless told otherwise: beside `.vigil/local.json` (git-ignored). */
export const DEFAULT_DATA_DIR = dirname(LOCAL_STACK_FILE);

/** The demo population of `vigil start`: smaller than `vigil demo`'s, so the whole run takes seconds. */
export const START_DEFAULTS = { customers: 300, days: 2, seed: 1 };

export const START_HELP = `Usage: vigil start [options]

Starts the embedded local stack: Kinesis (kinesalite) and DynamoDB (dynalite)
in-process on free loopback ports, the event stream and the tables created
from the same definitions as the CDK stack, and the real consumer Lambda
(functions/consume-events.ts) fed by a local event-source poller with
Lambda's Kinesis semantics (batches of up to 500, 1 s batching window, partial
batch responses, bisect on error, 3 retries, then the on-failure count).

It keeps its state between runs in ${DEFAULT_DATA_DIR}/ in this directory (the
stream with the records not consumed yet, the consumer's position in it, and
every table: profiles, decisions, alerts with their dispositions, dead
letters, the audit trail, rights receipts and objections), unless --data-dir
names another folder or --in-memory asks for a throwaway run. One stack per
folder: a second one on the same folder, or from the same directory, is
refused while the first runs. See docs/local-stack.md.

It writes how to reach the stack to ${LOCAL_STACK_FILE} in this directory (mode
0600: it holds the tokens, and prints it), streams the built-in demo traffic (normal customers plus attacks)
through the AWS SDK Kinesis client with PutRecords, shows progress on a
terminal, waits until the consumer has caught up, and prints what it caught:
alerts by reason code (from the alerts table), the attack incidents caught,
the dead letters, and the requests each emulator served.

It also serves the APIs on a local HTTP gateway: the real API handlers
(functions/score-order.ts, …) behind API Gateway's REST proxy events, with a
random bearer token per role (order-flow, analyst, privacy-service, admin)
made on every start, written to the same file (apiUrl, tokens) and printed
with a curl line per route.

Then it keeps running, consuming whatever arrives ('vigil send events.ndjson'
from this directory writes to it), until Ctrl-C (SIGINT) or SIGTERM; with
--once it stops after the summary.

The handler's own logs and metrics are off unless POWERTOOLS_LOG_LEVEL or
POWERTOOLS_METRICS_DISABLED are set. The pseudonymisation key is
VIGIL_PSEUDONYM_KEY when set, else .vigil/pseudonym-key.json (generated once).

Options:
  --once              stop after the demo summary (exit status 0)
  --data-dir <dir>    keep the stream, its checkpoints and the tables in <dir>
                      between runs (default: ${DEFAULT_DATA_DIR})
  --in-memory         keep nothing: everything is gone when the stack stops
  --customers <n>     demo customers (default ${START_DEFAULTS.customers})
  --days <n>          days of demo traffic (default ${START_DEFAULTS.days}), ending yesterday
  --start <date>      first day of the traffic, YYYY-MM-DD (default: --days before yesterday)
  --seed <n>          demo random seed (default ${START_DEFAULTS.seed})
  --no-demo           start the stack without sending demo traffic
  -h, --help          this text
`;

type Label = Pick<LabelledEvent, 'label' | 'scenario' | 'incident'>;

interface Caught {
  events: number;
  alerts: number;
  decisions: number;
  deadLetters: number;
  codes: Map<string, number>;
  /** Incidents by scenario: their events and whether an alert named one of them. */
  incidents: Map<string, { scenario: AttackScenario; events: number; flagged: number }>;
  legit: { events: number; alerts: number };
}

/** `vigil start`: the embedded local stack with the real consumer, and the demo traffic through it. */
export async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      once: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      customers: { type: 'string' },
      days: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      'no-demo': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(START_HELP);
    return 0;
  }
  let traffic: ReturnType<typeof resolveDemoOptions>;
  try {
    if (values['in-memory'] && values['data-dir'] !== undefined)
      throw new Error('--in-memory and --data-dir: choose one');
    const days = values.days === undefined ? START_DEFAULTS.days : Number(values.days);
    const options: DemoOptions = {
      customers: whole('customers', values.customers ?? String(START_DEFAULTS.customers)),
      days,
      seed: whole('seed', values.seed ?? String(START_DEFAULTS.seed)),
      // Recent by default: the consumer runs on the real clock, and observations expire by it.
      start:
        values.start ?? new Date(Date.now() - (Math.ceil(days) + 1) * 86_400_000).toISOString().slice(0, 10),
    };
    traffic = resolveDemoOptions(options);
  } catch (err) {
    process.stderr.write(`vigil start: ${(err as Error).message}\n\n${START_HELP}`);
    return 2;
  }

  const started = performance.now();
  const dataDir = values['in-memory'] ? undefined : (values['data-dir'] ?? DEFAULT_DATA_DIR);
  process.stderr.write(
    `vigil start: starting kinesalite, dynalite and the consumer (${dataDir ? `state kept in ${dataDir}` : 'in memory'})…\n`,
  );
  const stack = await startLocalStack(dataDir ? { dataDir } : {});
  let stopping = false;
  try {
    if (!values['no-demo']) {
      const report = await runDemo(stack, traffic);
      process.stdout.write(report);
    }
    process.stdout.write(apiExamples(stack));
    process.stderr.write(`vigil start: ready after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    if (values.once) return 0;
    process.stderr.write(
      `vigil start: consuming ${stack.kinesis.streamName}; 'vigil send <events.ndjson>' from this directory ` +
        `writes to it. Ctrl-C to stop.\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        stopping = true;
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const { records, batches, failures } = stack.poller.counters;
    process.stderr.write(
      `\nvigil start: stopping (consumed ${records.toLocaleString('en')} records in ` +
        `${batches.toLocaleString('en')} batches, ${failures} given up on)\n`,
    );
    return 0;
  } finally {
    await stack.close();
    if (stopping) process.stderr.write('vigil start: stopped\n');
  }
}

function whole(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name}: expected a whole number, got ${text}`);
  return n;
}

/** Streams the demo traffic into the stack, waits for the consumer, and formats what it caught. */
async function runDemo(stack: LocalStack, traffic: ReturnType<typeof resolveDemoOptions>): Promise<string> {
  const client = stack.kinesisClient();
  const progress = new Progress();
  const labels = new Map<string, Label>();
  const sent: PutRecordsResult = { records: 0, requests: 0, retried: 0, failed: 0, failures: {} };
  let alerts = 0;
  const show = (): void =>
    progress.update(
      () =>
        `${sent.records.toLocaleString('en')} sent, ` +
        `${stack.poller.counters.records.toLocaleString('en')} consumed, ${alerts.toLocaleString('en')} alerts`,
    );
  // On a terminal, the alerts are counted in the table as they land (a COUNT scan a second).
  let counting = false;
  const dynamo = stack.dynamoClient();
  const counter = process.stderr.isTTY
    ? setInterval(() => {
        if (counting) return;
        counting = true;
        countItems(dynamo, stack.dynamodb.tables.alerts)
          .then((n) => void (alerts = n))
          .catch(() => {})
          .finally(() => void (counting = false));
      }, 1_000)
    : undefined;
  const started = performance.now();
  const flush = async (chunk: PutRecord[]): Promise<void> => {
    const base = { ...sent };
    const result = await putRecordsAll(client, stack.kinesis.streamName, chunk, {
      onRequest: (r) => {
        sent.records = base.records + r.records;
        show();
      },
    });
    sent.records = base.records + result.records;
    sent.requests += result.requests;
    sent.retried += result.retried;
    sent.failed += result.failed;
  };
  let chunk: PutRecord[] = [];
  for (const { event, label, scenario, incident } of labelledDemoTraffic(traffic)) {
    labels.set(event.eventId, incident === undefined ? { label, scenario } : { label, scenario, incident });
    const line = JSON.stringify(event);
    chunk.push({ partitionKey: partitionKeyOf(line), data: Buffer.from(line, 'utf8') });
    if (chunk.length >= 500) {
      await flush(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await flush(chunk);
  const sentSeconds = (performance.now() - started) / 1000;

  // Progress while the consumer catches up, alerts counted as they land.
  const timer = setInterval(show, 250);
  try {
    await stack.poller.whenIdle(300_000);
  } finally {
    clearInterval(timer);
    clearInterval(counter);
    progress.done();
  }
  const consumedSeconds = (performance.now() - started) / 1000;
  const caught = await tally(stack, labels);
  return formatReport(stack, traffic, caught, sent, sentSeconds, consumedSeconds);
}

/** Every item of a table, page after page (the SDK's paginator: a Scan answers at most 1 MB at a time). */
async function scanAll(stack: LocalStack, input: ScanCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: stack.dynamoClient() }, input))
    items.push(...(page.Items ?? []));
  return items;
}

/** The items of a table, counted by a COUNT scan (all pages). */
async function countItems(client: DynamoDBDocumentClient, table: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: table, Select: 'COUNT' }))
    count += page.Count ?? 0;
  return count;
}

/**
 * What the consumer wrote, read back from DynamoDB and joined with the demo's labels: alerts and
 * decisions of this run's events only (the tables of a persisted stack hold earlier runs too).
 */
async function tally(stack: LocalStack, labels: Map<string, Label>): Promise<Caught> {
  const { tables } = stack.dynamodb;
  const ours = (item: Record<string, unknown>): boolean => labels.has(String(item.pk));
  const [alerts, decisions, deadLetters] = await Promise.all([
    scanAll(stack, { TableName: tables.alerts, ProjectionExpression: 'pk, reasons' }).then((a) =>
      a.filter(ours),
    ),
    scanAll(stack, { TableName: tables.decisions, ProjectionExpression: 'pk' }).then((d) => d.filter(ours)),
    scanAll(stack, { TableName: tables.deadLetters, ProjectionExpression: 'pk' }),
  ]);
  const caught: Caught = {
    events: labels.size,
    alerts: alerts.length,
    decisions: decisions.length,
    deadLetters: deadLetters.length,
    codes: new Map(),
    incidents: new Map(),
    legit: { events: 0, alerts: 0 },
  };
  for (const label of labels.values()) {
    if (label.label === 'legit') caught.legit.events++;
    else if (label.incident !== undefined) {
      const incident = caught.incidents.get(label.incident) ?? {
        scenario: label.scenario as AttackScenario,
        events: 0,
        flagged: 0,
      };
      incident.events++;
      caught.incidents.set(label.incident, incident);
    }
  }
  for (const alert of alerts) {
    const reasons = (alert.reasons ?? []) as { code: string; shadow?: boolean }[];
    for (const reason of reasons) {
      if (!reason.shadow) caught.codes.set(reason.code, (caught.codes.get(reason.code) ?? 0) + 1);
    }
    const label = labels.get(String(alert.pk));
    if (!label) continue;
    if (label.label === 'legit') caught.legit.alerts++;
    else if (label.incident !== undefined) caught.incidents.get(label.incident)!.flagged++;
  }
  return caught;
}

const int = (n: number): string => n.toLocaleString('en');

function formatReport(
  stack: LocalStack,
  o: ReturnType<typeof resolveDemoOptions>,
  c: Caught,
  sent: PutRecordsResult,
  sentSeconds: number,
  consumedSeconds: number,
): string {
  const { counters } = stack.poller;
  const lines = [
    '',
    `vigil start: ${int(c.events)} demo events (seed ${o.seed}: ${int(o.customers)} customers, ${o.days} days ` +
      `from ${o.start}, ${c.incidents.size} attack incidents) through the local stack`,
    `sent: ${int(sent.records)} records to ${stack.kinesis.streamName} in ${int(sent.requests)} PutRecords ` +
      `requests (${int(sent.retried)} retried, ${int(sent.failed)} failed) in ${sentSeconds.toFixed(1)} s`,
    `consumed: ${int(counters.records)} records in ${int(counters.batches)} handler invocations ` +
      `(${int(counters.retries)} retries), all done after ${consumedSeconds.toFixed(1)} s ` +
      `(${int(Math.round(counters.records / Math.max(consumedSeconds, 1e-3)))} events/s)`,
    `DynamoDB: ${int(c.decisions)} decisions, ${int(c.alerts)} alerts, ${int(c.deadLetters)} dead letters ` +
      `(invalid records); ${int(counters.failures)} records given up on by the poller`,
    '',
    `alerts (review or deny) by reason code, ${int(c.alerts)} alerts:`,
  ];
  const codes = [...c.codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [code, n] of codes) lines.push(`  ${code.padEnd(28)}${int(n).padStart(8)}`);
  if (codes.length === 0) lines.push('  none');

  lines.push(
    '',
    'attacks: incidents caught (an alert on at least one attacker event), attacker events flagged',
    `  ${'scenario'.padEnd(22)}${'caught'.padStart(7)}${'events'.padStart(9)}${'flagged'.padStart(9)}`,
  );
  for (const scenario of ATTACK_SCENARIOS) {
    const incidents = [...c.incidents.values()].filter((i) => i.scenario === scenario);
    if (incidents.length === 0) continue;
    const caught = incidents.filter((i) => i.flagged > 0).length;
    const events = incidents.reduce((sum, i) => sum + i.events, 0);
    const flagged = incidents.reduce((sum, i) => sum + i.flagged, 0);
    lines.push(
      `  ${scenario.padEnd(22)}${`${caught}/${incidents.length}`.padStart(7)}${int(events).padStart(9)}` +
        `${int(flagged).padStart(9)}`,
    );
  }
  lines.push(
    `false alerts on legitimate traffic: ${int(c.legit.alerts)} of ${int(c.legit.events)} events`,
    '',
    'requests served by the emulators:',
    `  Kinesis   ${formatCounts(stack.requests.kinesis)}`,
    `  DynamoDB  ${formatCounts(stack.requests.dynamodb)}` +
      (c.events > 0 ? ` (consumer: ${consumerRequests(stack, c.events)} per event)` : ''),
    '',
  );
  return lines.join('\n');
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none' : entries.map(([op, n]) => `${op} ${int(n)}`).join(', ');
}

/** DynamoDB requests per event made by the consumer (not the setup and the summary's scans). */
function consumerRequests(stack: LocalStack, events: number): string {
  const setup = new Set(['CreateTable', 'DescribeTable', 'ListTables', 'Scan']);
  const n = Object.entries(stack.requests.dynamodb)
    .filter(([op]) => !setup.has(op))
    .reduce((sum, [, count]) => sum + count, 0);
  return (n / events).toFixed(2);
}

/**
 * The APIs of the local gateway: each role's token (new on every start) and a `curl` line per
 * route, ready to paste (the score example is an order from a minute ago).
 *
 * @example
 * ```ts
 * process.stdout.write(apiExamples(stack));
 * ```
 */
export function apiExamples(stack: Pick<LocalStack, 'apiUrl' | 'tokens'>): string {
  const order = {
    schemaVersion: 1,
    eventId: `try-${Date.now()}`,
    type: 'order',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ip: '145.53.12.7',
    customerId: 'C1000231',
    order: {
      orderId: 'O-1',
      amountMinor: 49_950,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card',
      billingCountry: 'DE',
      shippingCountry: 'NL',
    },
  };
  const curl = (role: keyof LocalStack['tokens'], rest: string) =>
    `curl -s -H 'Authorization: Bearer ${stack.tokens[role]}' ${rest}`;
  const json = "-H 'content-type: application/json'";
  const lines = [
    '',
    `APIs on ${stack.apiUrl} (bearer tokens, new on every start, also in ${LOCAL_STACK_FILE}):`,
    ...Object.entries(stack.tokens).map(([role, token]) => `  ${role.padEnd(16)}${token}`),
    '',
    '# score an order (order-flow)',
    curl('order-flow', `${json} -d '${JSON.stringify(order)}' ${stack.apiUrl}/v1/score`),
    '# open alerts, newest first (analyst; filters: status, decision, eventType, reason, minScore, from, to)',
    curl('analyst', `'${stack.apiUrl}/v1/alerts?status=open&limit=5'`),
    '# one alert with its subject timeline, then its disposition (analyst)',
    curl('analyst', `${stack.apiUrl}/v1/alerts/ALERT_ID`),
    curl(
      'analyst',
      `${json} -d '{"verdict":"fraud","note":"confirmed"}' ${stack.apiUrl}/v1/alerts/ALERT_ID/disposition`,
    ),
    '# precision per rule (analyst)',
    curl('analyst', `${stack.apiUrl}/v1/rules/stats`),
    "# a customer's rights (privacy-service): objection (scope profiling or browse_search), then its receipt",
    curl(
      'privacy-service',
      `${json} -d '{"customerId":"C1000231","scope":"profiling"}' ${stack.apiUrl}/v1/subjects/objections`,
    ),
    curl('privacy-service', `${stack.apiUrl}/v1/privacy/requests/REQUEST_ID`),
    '# everything stored about a customer; restriction and its lifting; erasure (privacy-service)',
    curl('privacy-service', `${stack.apiUrl}/v1/subjects/C1000231/export`),
    curl('privacy-service', `-X POST ${stack.apiUrl}/v1/subjects/C1000231/restriction`),
    curl('privacy-service', `-X DELETE ${stack.apiUrl}/v1/subjects/C1000231/restriction`),
    curl('privacy-service', `-X DELETE ${stack.apiUrl}/v1/subjects/C1000231`),
    "# the audit trail of analysts' reads and dispositions and of rights requests (admin)",
    curl('admin', `${stack.apiUrl}/v1/audit`),
    '# the OpenAPI document, and the no-op route (any role)',
    curl('admin', `${stack.apiUrl}/openapi.json`),
    curl('admin', `${stack.apiUrl}/v1/health`),
    '',
  ];
  return lines.join('\n');
}
