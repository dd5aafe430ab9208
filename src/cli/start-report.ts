import { ATTACK_SCENARIOS, type AttackScenario, type resolveDemoOptions } from '../demo/traffic.ts';
import type { LocalStack } from '../local/stack.ts';
import type { PutRecordsResult } from '../shared/kinesis.ts';
import { int, reasonCodeLines } from './report.ts';

/** What the consumer wrote for this run's demo events, read back from the tables. */
export interface Caught {
  events: number;
  alerts: number;
  decisions: number;
  deadLetters: number;
  codes: Map<string, number>;
  /** Incidents by scenario: their events and whether an alert named one of them. */
  incidents: Map<string, { scenario: AttackScenario; events: number; flagged: number }>;
  legit: { events: number; alerts: number };
}

/** How the demo went through the stack: its traffic, what was sent and how long it took. */
export interface DemoRun {
  traffic: ReturnType<typeof resolveDemoOptions>;
  sent: PutRecordsResult;
  sentSeconds: number;
  consumedSeconds: number;
}

/** The summary `vigil start` prints after the demo: traffic, throughput, what was caught, requests. */
export function formatStartReport(stack: LocalStack, run: DemoRun, c: Caught): string {
  const { counters } = stack.poller;
  const { traffic: o, sent, sentSeconds, consumedSeconds } = run;
  return [
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
    ...reasonCodeLines(c.codes),
    ...attackLines(c),
    `false alerts on legitimate traffic: ${int(c.legit.alerts)} of ${int(c.legit.events)} events`,
    '',
    'requests served by the emulators:',
    `  Kinesis   ${formatCounts(stack.requests.kinesis)}`,
    `  DynamoDB  ${formatCounts(stack.requests.dynamodb)}` +
      (c.events > 0 ? ` (consumer: ${consumerRequests(stack, c.events)} per event)` : ''),
    '',
  ].join('\n');
}

/** Per attack scenario: the incidents caught and the attacker events flagged. */
function attackLines(c: Caught): string[] {
  const lines = [
    '',
    'attacks: incidents caught (an alert on at least one attacker event), attacker events flagged',
    `  ${'scenario'.padEnd(22)}${'caught'.padStart(7)}${'events'.padStart(9)}${'flagged'.padStart(9)}`,
  ];
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
  return lines;
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
