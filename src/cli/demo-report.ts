import {
  ATTACK_SCENARIOS,
  LEGIT_SCENARIOS,
  type AttackScenario,
  type LabelledEvent,
  type LegitScenario,
  type resolveDemoOptions,
} from '../demo/traffic.ts';
import { rfc3339ToMs } from '../shared/contract/events.ts';
import { int, reasonCodeLines } from './report.ts';
import type { ProcessResult } from '../pipeline/detector.ts';

interface IncidentTally {
  scenario: AttackScenario;
  events: number;
  flagged: number;
  firstAt: number;
  /** Attacker events before the first alert, and when that alert came. */
  before?: number;
  detectedAt?: number;
}

export interface DemoTally {
  events: number;
  invalid: number;
  outcomes: { allow: number; review: number; deny: number };
  /** Reason codes on alerts (review or deny), every code an alert carries. */
  alertCodes: Map<string, number>;
  incidents: Map<string, IncidentTally>;
  legit: Map<LegitScenario, { events: number; alerts: number }>;
  falseAlertCodes: Map<string, number>;
}

/** What `vigil demo` saw, before any event. */
export function emptyTally(): DemoTally {
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

/** The alerts of a tally: the decisions to review or deny. */
export const alerts = (t: DemoTally): number => t.outcomes.review + t.outcomes.deny;

/** Counts one generated event and its verdict: outcome, reason codes, and its incident or scenario. */
export function record(t: DemoTally, item: LabelledEvent, verdict: ProcessResult): void {
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
export function formatDemoReport(
  t: DemoTally,
  o: ReturnType<typeof resolveDemoOptions>,
  seconds: number,
  rulesetVersion: string,
): string {
  return [
    `vigil demo: ${int(t.events)} events of a Dutch web shop (seed ${o.seed}: ${int(o.customers)} customers, ` +
      `${o.days} days from ${o.start}, ${t.incidents.size} attack incidents)`,
    `detection: ${seconds.toFixed(1)} s (${int(Math.round(t.events / Math.max(seconds, 1e-3)))} events/s), ruleset ${rulesetVersion}`,
    '',
    `decisions: allow ${int(t.outcomes.allow)}, review ${int(t.outcomes.review)}, deny ${int(t.outcomes.deny)}` +
      (t.invalid > 0 ? `, invalid ${int(t.invalid)}` : ''),
    '',
    `alerts (review or deny) by reason code, ${int(alerts(t))} alerts:`,
    ...reasonCodeLines(t.alertCodes),
    ...(o.attacks ? attackLines(t) : []),
    ...legitimateLines(t),
    '',
  ].join('\n');
}

/** Per attack scenario: incidents caught, attacker events flagged, time to detect; then all attacks. */
function attackLines(t: DemoTally): string[] {
  const lines = [
    '',
    'attacks: incidents caught, attacker events flagged, and attacker events before the first alert (time to detect)',
    `  ${'scenario'.padEnd(22)}${'caught'.padStart(7)}${'events'.padStart(9)}${'flagged'.padStart(9)}  time to detect`,
  ];
  const all = { caught: 0, incidents: 0, events: 0, flagged: 0 };
  for (const scenario of ATTACK_SCENARIOS) {
    const incidents = [...t.incidents.values()].filter((i) => i.scenario === scenario);
    if (incidents.length === 0) continue;
    const caught = incidents.filter((i) => i.before !== undefined).length;
    const events = incidents.reduce((sum, i) => sum + i.events, 0);
    const flagged = incidents.reduce((sum, i) => sum + i.flagged, 0);
    lines.push(
      `  ${scenario.padEnd(22)}${`${caught}/${incidents.length}`.padStart(7)}${int(events).padStart(9)}` +
        `${percent(flagged, events).padStart(9)}  ${timeToDetect(incidents)}`,
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
  return lines;
}

/** Per legitimate scenario: events and false alerts; then all legitimate traffic and the reasons. */
function legitimateLines(t: DemoTally): string[] {
  const lines = [
    '',
    'legitimate traffic: false alerts',
    `  ${'scenario'.padEnd(22)}${'events'.padStart(9)}  false alerts`,
  ];
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
  return lines;
}
