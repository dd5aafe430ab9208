import { parseArgs } from 'node:util';
import {
  ATTACK_SCENARIOS,
  DEMO_DEFAULTS,
  EVENTS_PER_CUSTOMER_DAY,
  LEGIT_SCENARIOS,
  type AttackScenario,
  type DemoOptions,
  type LabelledEvent,
  type LegitScenario,
  labelledDemoTraffic,
  resolveDemoOptions,
} from '../demo/traffic.ts';
import { rfc3339ToMs } from '../shared/contract/events.ts';
import type { ProcessResult } from '../pipeline/detector.ts';
import { NdjsonWriter } from './io.ts';
import { DETECTOR_OPTIONS, detectorOptionsHelp, localDetector } from './local-detector.ts';
import { Progress } from './progress.ts';
import { toOutputLine } from './replay.ts';

export const DEMO_HELP = `Usage: vigil demo [options]

Generates a day-to-day traffic of a Dutch web shop (customers browsing,
logging in and ordering from home, on mobile networks and abroad; anonymous
visitors; search-engine crawlers) with attacks placed in it (brute force,
credential stuffing, account takeover, impossible travel, card testing, bot
scraping, vulnerability probing), runs every event through the detection
pipeline as replay does (in-memory profile store, in event time), and prints
what was caught: decisions, alerts by reason code, per attack scenario the
incidents caught and after how many attacker events, and the false alerts on
legitimate traffic. The same seed and options give the same traffic.

Options:
  --customers <n>          customers in the population (default ${DEMO_DEFAULTS.customers})
  --days <n>               days of traffic (default ${DEMO_DEFAULTS.days}); each customer brings
                           about ${EVENTS_PER_CUSTOMER_DAY} events a day
  --events <n>             exactly n events: sizes the population (or, with --customers, the
                           days) for n and stops there. The traffic is generated as it is
                           processed, never held whole, so --events 1000000 works
  --start <date>           first day, YYYY-MM-DD in shop time (Europe/Amsterdam) or an RFC 3339
                           timestamp (default ${DEMO_DEFAULTS.start})
  --seed <n>               random seed (default ${DEMO_DEFAULTS.seed})
  --no-attacks             legitimate traffic only
  --out <file>             write the decisions as NDJSON, as replay does (- for stdout; the
                           summary then goes to stderr)
  --write-events <file>    write the generated events as NDJSON, to try 'vigil replay' on
  --write-labels <file>    write {"eventId","label","scenario","incident"} per event, for
                           shared/eval/score.mjs
${detectorOptionsHelp(25)}
  -h, --help               this text

Attacks come between the first quarter and the last tenth of the window, when
the customers they target have a history; one incident of each kind per 2,250
customer-days, at least one.
`;

interface IncidentTally {
  scenario: AttackScenario;
  events: number;
  flagged: number;
  firstAt: number;
  /** Attacker events before the first alert, and when that alert came. */
  before?: number;
  detectedAt?: number;
}

interface DemoTally {
  events: number;
  invalid: number;
  outcomes: { allow: number; review: number; deny: number };
  /** Reason codes on alerts (review or deny), every code an alert carries. */
  alertCodes: Map<string, number>;
  incidents: Map<string, IncidentTally>;
  legit: Map<LegitScenario, { events: number; alerts: number }>;
  falseAlertCodes: Map<string, number>;
}

/** `vigil demo`: generated traffic with known attacks through the real pipeline, and what it caught. */
export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      days: { type: 'string' },
      events: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      'no-attacks': { type: 'boolean' },
      out: { type: 'string' },
      'write-events': { type: 'string' },
      'write-labels': { type: 'string' },
      ...DETECTOR_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(DEMO_HELP);
    return 0;
  }
  let traffic: ReturnType<typeof resolveDemoOptions>;
  let limit: number;
  try {
    limit = values.events === undefined ? Infinity : count('events', values.events, true);
    const options: DemoOptions = { attacks: !values['no-attacks'] };
    if (values.seed !== undefined) options.seed = count('seed', values.seed, false);
    if (values.start !== undefined) options.start = values.start;
    if (values.days !== undefined) options.days = Number(values.days);
    if (values.customers !== undefined) options.customers = count('customers', values.customers, true);
    if (Number.isFinite(limit)) {
      // Sized 5% over, then cut at the limit: the cut only shortens the last hours.
      const perCustomer = EVENTS_PER_CUSTOMER_DAY * (options.days ?? DEMO_DEFAULTS.days);
      if (options.customers === undefined) options.customers = Math.ceil((1.05 * limit) / perCustomer);
      else if (options.days === undefined) {
        options.days = (1.05 * limit) / (options.customers * EVENTS_PER_CUSTOMER_DAY);
      }
    }
    traffic = resolveDemoOptions(options);
  } catch (err) {
    process.stderr.write(`vigil demo: ${(err as Error).message}\n\n${DEMO_HELP}`);
    return 2;
  }

  // A --start in the future is still a demo: the processing clock is never before the traffic.
  const detector = localDetector(values, () => Math.max(Date.now(), traffic.endMs + 3_600_000));
  const decisions = values.out === undefined ? undefined : new NdjsonWriter(values.out);
  const events = values['write-events'] === undefined ? undefined : new NdjsonWriter(values['write-events']);
  const labels = values['write-labels'] === undefined ? undefined : new NdjsonWriter(values['write-labels']);
  const progress = new Progress();
  const tally = emptyTally();
  const started = performance.now();

  for (const item of labelledDemoTraffic(traffic)) {
    if (tally.events >= limit) break;
    tally.events++;
    await events?.write(item.event);
    await labels?.write({
      eventId: item.event.eventId,
      label: item.label,
      scenario: item.scenario,
      incident: item.incident ?? null,
    });
    const verdict = await detector.process(item.event);
    await decisions?.write(toOutputLine(verdict, tally.events));
    record(tally, item, verdict);
    progress.update(
      () => `${tally.events.toLocaleString('en')} events, ${alerts(tally).toLocaleString('en')} alerts`,
    );
  }
  await Promise.all([decisions?.close(), events?.close(), labels?.close()]);
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  const report = formatDemoReport(tally, traffic, seconds, detector.rulesetVersion);
  (values.out === '-' ? process.stderr : process.stdout).write(report);
  return 0;
}

function count(name: string, text: string, positive: boolean): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (positive && n < 1)) {
    throw new Error(`--${name}: expected ${positive ? 'a whole number ≥ 1' : 'a whole number'}, got ${text}`);
  }
  return n;
}

function emptyTally(): DemoTally {
  return {
    events: 0,
    invalid: 0,
    outcomes: { allow: 0, review: 0, deny: 0 },
    alertCodes: new Map(),
    incidents: new Map(),
    legit: new Map(LEGIT_SCENARIOS.map((s) => [s, { events: 0, alerts: 0 }])),
    falseAlertCodes: new Map(),
  };
}

const alerts = (t: DemoTally): number => t.outcomes.review + t.outcomes.deny;

function record(t: DemoTally, item: LabelledEvent, verdict: ProcessResult): void {
  let alert = false;
  let codes: string[] = [];
  if (verdict.kind === 'invalid') {
    t.invalid++;
  } else {
    const { decision } = verdict;
    t.outcomes[decision.decision]++;
    alert = decision.decision !== 'allow';
    codes = decision.reasons.filter((r) => !r.shadow).map((r) => r.code);
    if (alert) for (const code of codes) bump(t.alertCodes, code);
  }
  if (item.label === 'legit') {
    const legit = t.legit.get(item.scenario as LegitScenario)!;
    legit.events++;
    if (alert) {
      legit.alerts++;
      for (const code of codes) bump(t.falseAlertCodes, code);
    }
    return;
  }
  const at = rfc3339ToMs(item.event.occurredAt);
  let incident = t.incidents.get(item.incident!);
  if (!incident) {
    incident = { scenario: item.scenario as AttackScenario, events: 0, flagged: 0, firstAt: at };
    t.incidents.set(item.incident!, incident);
  }
  if (alert) {
    incident.flagged++;
    if (incident.before === undefined) {
      incident.before = incident.events;
      incident.detectedAt = at;
    }
  }
  incident.events++;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const int = (n: number): string => n.toLocaleString('en');
function percent(part: number, whole: number): string {
  if (whole === 0) return '-';
  const p = (100 * part) / whole;
  return part === 0 || part === whole ? `${p}%` : p < 0.01 ? '<0.01%' : `${p.toFixed(2)}%`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Attacker events before each incident's first alert, and how long that took; a digest for many. */
function timeToDetect(incidents: IncidentTally[]): string {
  const one = (i: IncidentTally): string =>
    i.before === undefined ? 'missed' : `${i.before} (${duration(i.detectedAt! - i.firstAt)})`;
  if (incidents.length <= 4) return incidents.map(one).join(', ');
  const caught = incidents
    .filter((i) => i.before !== undefined)
    .sort((a, b) => a.before! - b.before! || a.detectedAt! - a.firstAt - (b.detectedAt! - b.firstAt));
  const missed = incidents.length - caught.length;
  if (caught.length === 0) return `${missed} missed`;
  const median = caught[(caught.length - 1) >> 1]!;
  return `median ${one(median)}, worst ${one(caught.at(-1)!)}${missed > 0 ? `, ${missed} missed` : ''}`;
}

/** The human summary `vigil demo` prints. */
function formatDemoReport(
  t: DemoTally,
  o: ReturnType<typeof resolveDemoOptions>,
  seconds: number,
  rulesetVersion: string,
): string {
  const lines: string[] = [];
  const incidentCount = t.incidents.size;
  lines.push(
    `vigil demo: ${int(t.events)} events of a Dutch web shop (seed ${o.seed}: ${int(o.customers)} customers, ` +
      `${o.days} days from ${o.start}, ${incidentCount} attack incidents)`,
    `detection: ${seconds.toFixed(1)} s (${int(Math.round(t.events / Math.max(seconds, 1e-3)))} events/s), ruleset ${rulesetVersion}`,
    '',
    `decisions: allow ${int(t.outcomes.allow)}, review ${int(t.outcomes.review)}, deny ${int(t.outcomes.deny)}` +
      (t.invalid > 0 ? `, invalid ${int(t.invalid)}` : ''),
    '',
    `alerts (review or deny) by reason code, ${int(alerts(t))} alerts:`,
  );
  const codes = [...t.alertCodes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [code, n] of codes) lines.push(`  ${code.padEnd(28)}${int(n).padStart(8)}`);
  if (codes.length === 0) lines.push('  none');

  if (o.attacks) {
    lines.push(
      '',
      'attacks: incidents caught, attacker events flagged, and attacker events before the first alert (time to detect)',
      `  ${'scenario'.padEnd(22)}${'caught'.padStart(7)}${'events'.padStart(9)}${'flagged'.padStart(9)}  time to detect`,
    );
    const all = { caught: 0, incidents: 0, events: 0, flagged: 0 };
    for (const scenario of ATTACK_SCENARIOS) {
      const incidents = [...t.incidents.values()].filter((i) => i.scenario === scenario);
      if (incidents.length === 0) continue;
      const caught = incidents.filter((i) => i.before !== undefined).length;
      const events = incidents.reduce((sum, i) => sum + i.events, 0);
      const flagged = incidents.reduce((sum, i) => sum + i.flagged, 0);
      const ttd = timeToDetect(incidents);
      lines.push(
        `  ${scenario.padEnd(22)}${`${caught}/${incidents.length}`.padStart(7)}${int(events).padStart(9)}` +
          `${percent(flagged, events).padStart(9)}  ${ttd}`,
      );
      all.caught += caught;
      all.incidents += incidents.length;
      all.events += events;
      all.flagged += flagged;
    }
    lines.push(
      `  ${'all attacks'.padEnd(22)}${`${all.caught}/${all.incidents}`.padStart(7)}${int(all.events).padStart(9)}` +
        `${percent(all.flagged, all.events).padStart(9)}`,
    );
  }

  lines.push(
    '',
    'legitimate traffic: false alerts',
    `  ${'scenario'.padEnd(22)}${'events'.padStart(9)}  false alerts`,
  );
  let events = 0;
  let falseAlerts = 0;
  for (const [scenario, s] of t.legit) {
    if (s.events === 0) continue;
    lines.push(
      `  ${scenario.padEnd(22)}${int(s.events).padStart(9)}  ${int(s.alerts)} (${percent(s.alerts, s.events)})`,
    );
    events += s.events;
    falseAlerts += s.alerts;
  }
  lines.push(
    `  ${'all legitimate'.padEnd(22)}${int(events).padStart(9)}  ${int(falseAlerts)} (${percent(falseAlerts, events)})`,
  );
  const reasons = [...t.falseAlertCodes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (reasons.length > 0) {
    lines.push(`  reasons on false alerts: ${reasons.map(([code, n]) => `${code} ${int(n)}`).join(', ')}`);
  }
  lines.push('');
  return lines.join('\n');
}
