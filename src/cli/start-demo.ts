import { type DynamoDBDocumentClient, type ScanCommandInput, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  type AttackScenario,
  type LabelledEvent,
  labelledDemoTraffic,
  type resolveDemoOptions,
} from '../demo/traffic.ts';
import type { LocalStack } from '../local/stack.ts';
import { type PutRecord, type PutRecordsResult, putRecordsAll } from '../shared/kinesis.ts';
import { startProgress } from './progress.ts';
import { partitionKeyOf } from './send.ts';
import { type Caught, formatStartReport } from './start-report.ts';

type Label = Pick<LabelledEvent, 'label' | 'scenario' | 'incident'>;

/** Streams the demo traffic into the stack, waits for the consumer, and formats what it caught. */
export async function runDemo(
  stack: LocalStack,
  traffic: ReturnType<typeof resolveDemoOptions>,
): Promise<string> {
  const sent: PutRecordsResult = { records: 0, requests: 0, retried: 0, failed: 0, failures: {} };
  const alerts = countAlerts(stack);
  const progress = startProgress(
    () =>
      `${sent.records.toLocaleString('en')} sent, ` +
      `${stack.poller.counters.records.toLocaleString('en')} consumed, ${alerts.count.toLocaleString('en')} alerts`,
  );
  const started = performance.now();
  let labels: Map<string, Label>;
  let sentSeconds: number;
  try {
    labels = await sendTraffic(stack, traffic, sent, () => progress.update());
    sentSeconds = (performance.now() - started) / 1000;
    // The progress line keeps redrawing while the consumer catches up, alerts counted as they land.
    await stack.poller.whenIdle(300_000);
  } finally {
    alerts.stop();
    progress.stop();
  }
  const consumedSeconds = (performance.now() - started) / 1000;
  const caught = await tally(stack, labels);
  return formatStartReport(stack, { traffic, sent, sentSeconds, consumedSeconds }, caught);
}

/**
 * On a terminal, the alerts counted in the table as they land (a COUNT scan a second), for the
 * progress line; elsewhere nothing is shown, so nothing is counted.
 */
function countAlerts(stack: LocalStack): { count: number; stop(): void } {
  const alerts = { count: 0, stop: () => clearInterval(timer) };
  let counting = false;
  const dynamo = stack.dynamoClient();
  const timer = process.stderr.isTTY
    ? setInterval(() => {
        if (counting) return;
        counting = true;
        countItems(dynamo, stack.dynamodb.tables.alerts)
          .then((n) => void (alerts.count = n))
          .catch(() => {})
          .finally(() => void (counting = false));
      }, 1_000)
    : undefined;
  return alerts;
}

/** Puts the demo traffic on the stream in requests of 500 records; the label of every event sent. */
async function sendTraffic(
  stack: LocalStack,
  traffic: ReturnType<typeof resolveDemoOptions>,
  sent: PutRecordsResult,
  onProgress: () => void,
): Promise<Map<string, Label>> {
  const client = stack.kinesisClient();
  const labels = new Map<string, Label>();
  const flush = async (chunk: PutRecord[]): Promise<void> => {
    const base = sent.records;
    const result = await putRecordsAll(client, stack.kinesis.streamName, chunk, {
      onRequest: (r) => {
        sent.records = base + r.records;
        onProgress();
      },
    });
    sent.records = base + result.records;
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
  return labels;
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
