import { TARGET_ALERT_RATES } from '../rules/config.ts';
import { type AlertRates, type Calibration, thresholdsFor } from '../rules/thresholds.ts';
import type { Label } from './model.ts';

/** What the detector said about one event, as the metrics need it. */
export interface Scored {
  score: number;
  flagged: boolean;
  decision: string;
  reasons: readonly { code: string; points: number }[];
}

/** One threat family or legitimate population of a set. */
export interface FamilyRow {
  family: string;
  label: 'fraud' | 'legit';
  events: number;
  flagged: number;
  /** Fraud: event recall; legit: flag rate. */
  flaggedShare: number;
  incidents?: number;
  caught?: number;
  /** Median over caught incidents of the attacker events before the first flag. */
  medianEventsToFlag?: number | null;
  medianSecondsToFlag?: number | null;
  /** ROC AUC of this family's events against every legitimate event of the set. */
  rocAuc?: number | null;
}

export interface FalseAlarm {
  eventId: string;
  family: string;
  score: number;
  decision: string;
  reasons: string;
}

export interface SetReport {
  name: string;
  events: number;
  fraudEvents: number;
  legitEvents: number;
  /** Events the contract parser rejected (they count as allowed with score 0). */
  invalid: number;
  incidents: number;
  caught: number;
  eventRecall: number | null;
  legitFlagRate: number | null;
  rocAuc: number | null;
  medianEventsToFlag: number | null;
  medianSecondsToFlag: number | null;
  families: FamilyRow[];
  worstFalseAlarms: FalseAlarm[];
  /** Reason codes on flagged legitimate events: how many false alarms carry each. */
  falseAlarmReasons: { code: string; count: number }[];
  /** Per reason code, how often it scores on attack and on legitimate events: its likelihood ratio. */
  signals: Signal[];
  /** The thresholds that would flag the target shares of this set's legitimate events. */
  calibration: Calibration | null;
}

/**
 * How one reason code separates: the share of attack and of legitimate events it scored on, and
 * the points that evidence is worth on Vigil's scale (10 points per nat of likelihood ratio).
 */
export interface Signal {
  code: string;
  attackEvents: number;
  legitEvents: number;
  /** (attack share) / (legitimate share), each smoothed by half an event. */
  likelihoodRatio: number;
  /** 10 × ln(likelihoodRatio): what the rule's points would be if it were calibrated on this set. */
  impliedPoints: number;
}

const ALLOWED: Scored = { score: 0, flagged: false, decision: 'allow', reasons: [] };

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * ROC AUC of `positives` against `negatives` by the Mann-Whitney U statistic: the chance that a
 * random positive scores above a random negative, ties counting half. Null when a side is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const neg = Float64Array.from(negatives).sort();
  let wins = 0;
  for (const p of positives) {
    const below = bound(neg, p, false);
    wins += below + (bound(neg, p, true) - below) / 2;
  }
  return wins / (positives.length * neg.length);
}

/** How many of `sorted` are below `x` (or, `orEqual`, at most `x`). */
function bound(sorted: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x || (orEqual && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The highest-scored false alarms, at most two of a family, so that one population cannot hide the others. */
export function worstOf(alarms: readonly FalseAlarm[], n: number): FalseAlarm[] {
  const perFamily = new Map<string, number>();
  const out: FalseAlarm[] = [];
  for (const a of alarms.slice().sort((x, y) => y.score - x.score)) {
    const seen = perFamily.get(a.family) ?? 0;
    if (seen >= 2) continue;
    perFamily.set(a.family, seen + 1);
    out.push(a);
    if (out.length === n) break;
  }
  return out;
}

interface IncidentState {
  family: string;
  events: number;
  firstAt: number;
  firstFlag: { events: number; at: number } | null;
}

/**
 * The metrics of one set: labels, the detector's answer for each event (undefined: rejected or
 * missing, counted as allowed with score 0) and each event's time (epoch ms), all in event order.
 */
export function measure(
  name: string,
  labels: readonly Label[],
  results: readonly (Scored | undefined)[],
  times: readonly number[],
  target: AlertRates = TARGET_ALERT_RATES,
  worst = 8,
): SetReport {
  const legitScores: number[] = [];
  const fraudScores = new Map<string, number[]>();
  const rows = new Map<string, FamilyRow>();
  const incidents = new Map<string, IncidentState>();
  const alarms: FalseAlarm[] = [];
  const reasonCounts = new Map<string, number>();
  const fired = new Map<string, { attack: number; legit: number }>();
  let invalid = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const r = results[i] ?? ALLOWED;
    if (results[i] === undefined) invalid++;
    const row = rows.get(l.family) ?? {
      family: l.family,
      label: l.label,
      events: 0,
      flagged: 0,
      flaggedShare: 0,
    };
    rows.set(l.family, row);
    row.events++;
    if (r.flagged) row.flagged++;
    countSignals(fired, r, l.label);
    if (l.label === 'legit') {
      legitScores.push(r.score);
      if (r.flagged) {
        alarms.push({
          eventId: l.eventId,
          family: l.family,
          score: r.score,
          decision: r.decision,
          reasons: r.reasons.map((x) => `${x.code} ${x.points}`).join(', '),
        });
        for (const code of new Set(r.reasons.filter((x) => x.points > 0).map((x) => x.code)))
          reasonCounts.set(code, (reasonCounts.get(code) ?? 0) + 1);
      }
      continue;
    }
    (fraudScores.get(l.family) ?? fraudScores.set(l.family, []).get(l.family)!).push(r.score);
    if (l.incident === null) continue;
    const st = incidents.get(l.incident) ?? {
      family: l.family,
      events: 0,
      firstAt: times[i]!,
      firstFlag: null,
    };
    incidents.set(l.incident, st);
    if (r.flagged && st.firstFlag === null) st.firstFlag = { events: st.events, at: times[i]! };
    st.events++;
  }
  for (const row of rows.values()) {
    row.flaggedShare = row.flagged / row.events;
    if (row.label !== 'fraud') continue;
    const own = [...incidents.values()].filter((s) => s.family === row.family);
    const caught = own.filter((s) => s.firstFlag !== null);
    row.incidents = own.length;
    row.caught = caught.length;
    row.medianEventsToFlag = median(caught.map((s) => s.firstFlag!.events));
    row.medianSecondsToFlag = median(caught.map((s) => (s.firstFlag!.at - s.firstAt) / 1000));
    row.rocAuc = rocAuc(fraudScores.get(row.family) ?? [], legitScores);
  }
  const all = [...incidents.values()];
  const caught = all.filter((s) => s.firstFlag !== null);
  const fraudEvents = labels.length - legitScores.length;
  const fraudFlagged = [...rows.values()]
    .filter((r) => r.label === 'fraud')
    .reduce((n, r) => n + r.flagged, 0);
  return {
    name,
    events: labels.length,
    fraudEvents,
    legitEvents: legitScores.length,
    invalid,
    incidents: all.length,
    caught: caught.length,
    eventRecall: fraudEvents ? fraudFlagged / fraudEvents : null,
    legitFlagRate: legitScores.length ? alarms.length / legitScores.length : null,
    rocAuc: rocAuc([...fraudScores.values()].flat(), legitScores),
    medianEventsToFlag: median(caught.map((s) => s.firstFlag!.events)),
    medianSecondsToFlag: median(caught.map((s) => (s.firstFlag!.at - s.firstAt) / 1000)),
    families: [...rows.values()].sort((a, b) =>
      a.label === b.label ? a.family.localeCompare(b.family) : a.label === 'fraud' ? -1 : 1,
    ),
    worstFalseAlarms: worstOf(alarms, worst),
    falseAlarmReasons: [...reasonCounts]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count),
    signals: signalsOf(fired, fraudEvents, legitScores.length),
    calibration: legitScores.length ? thresholdsFor(legitScores, target) : null,
  };
}

/** Counts each reason code that added points to this event once, on its side. */
function countSignals(
  fired: Map<string, { attack: number; legit: number }>,
  r: Scored,
  label: Label['label'],
): void {
  for (const reason of r.reasons) {
    if (reason.points <= 0) continue;
    const n = fired.get(reason.code) ?? { attack: 0, legit: 0 };
    fired.set(reason.code, n);
    if (label === 'legit') n.legit++;
    else n.attack++;
  }
}

function signalsOf(
  fired: Map<string, { attack: number; legit: number }>,
  attackEvents: number,
  legitEvents: number,
): Signal[] {
  if (attackEvents === 0 || legitEvents === 0) return [];
  return [...fired]
    .map(([code, n]) => {
      const likelihoodRatio = (n.attack + 0.5) / attackEvents / ((n.legit + 0.5) / legitEvents);
      return {
        code,
        attackEvents: n.attack,
        legitEvents: n.legit,
        likelihoodRatio,
        impliedPoints: Math.round(10 * Math.log(likelihoodRatio)),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}
