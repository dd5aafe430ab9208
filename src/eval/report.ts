import type { FamilyRow, SetReport } from './metrics.ts';

const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(digits)}%`;
const num = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined ? '-' : x.toFixed(digits);
const int = (x: number): string => x.toLocaleString('en');
/** Width of the family column: the peer suite's CrowdSec scenario names are long. */
const W = 44;

/** The headline of a set: incidents, recall, legitimate flag rate, AUC, time to first flag. */
export function headline(r: SetReport): string {
  return (
    `incidents caught ${r.caught}/${r.incidents} (${pct(r.incidents ? r.caught / r.incidents : null, 0)})  ` +
    `event recall ${pct(r.eventRecall)}  legit flagged ${pct(r.legitFlagRate, 3)}  ROC AUC ${num(r.rocAuc, 3)}  ` +
    `median to first flag ${num(r.medianEventsToFlag, 1)} events, ${num(r.medianSecondsToFlag, 0)} s`
  );
}

function threatRow(f: FamilyRow): string {
  return [
    f.family.padEnd(W),
    `${f.caught}/${f.incidents}`.padStart(7),
    pct(f.flaggedShare).padStart(8),
    int(f.events).padStart(8),
    num(f.medianEventsToFlag, 1).padStart(8),
    num(f.medianSecondsToFlag, 0).padStart(9),
    num(f.rocAuc, 3).padStart(7),
  ].join(' ');
}

function legitRow(f: FamilyRow): string {
  return [
    f.family.padEnd(W),
    int(f.events).padStart(8),
    int(f.flagged).padStart(8),
    pct(f.flaggedShare, 3).padStart(9),
  ].join(' ');
}

/** The thresholds that meet the alert budget on this set's legitimate events. */
function calibrationLine(r: SetReport): string[] {
  const c = r.calibration;
  if (!c) return [];
  return [
    `thresholds for the alert budget on these legitimate events: review from ${c.thresholds.review} (${pct(c.rates.review, 3)}), deny from ${c.thresholds.deny} (${pct(c.rates.deny, 3)})`,
  ];
}

/** Per reason code: attack and legitimate events it scored on, its likelihood ratio and implied points. */
function signalLines(r: SetReport): string[] {
  if (r.signals.length === 0) return [];
  return [
    '',
    `${'reason code'.padEnd(W)} ${'attack'.padStart(8)} ${'legit'.padStart(8)} ${'LR'.padStart(10)} ${'points'.padStart(7)}`,
    ...r.signals.map((x) =>
      [
        x.code.padEnd(W),
        int(x.attackEvents).padStart(8),
        int(x.legitEvents).padStart(8),
        num(x.likelihoodRatio, x.likelihoodRatio < 10 ? 2 : 0).padStart(10),
        String(x.impliedPoints).padStart(7),
      ].join(' '),
    ),
  ];
}

/** The full table of one set, for a terminal; `signals` adds the per-reason likelihood table. */
export function formatSet(r: SetReport, options: { signals?: boolean } = {}): string {
  const lines = [
    `== ${r.name}`,
    `${int(r.events)} events (${int(r.fraudEvents)} attack, ${int(r.legitEvents)} legitimate)${r.invalid ? `, ${int(r.invalid)} rejected by the contract parser (counted as allowed)` : ''}`,
    headline(r),
    ...calibrationLine(r),
    '',
    `${'threat family'.padEnd(W)} ${'caught'.padStart(7)} ${'recall'.padStart(8)} ${'events'.padStart(8)} ${'ev→flag'.padStart(8)} ${'s→flag'.padStart(9)} ${'AUC'.padStart(7)}`,
    ...r.families.filter((f) => f.label === 'fraud').map(threatRow),
    '',
    `${'legitimate population'.padEnd(W)} ${'events'.padStart(8)} ${'flagged'.padStart(8)} ${'rate'.padStart(9)}`,
    ...r.families.filter((f) => f.label === 'legit').map(legitRow),
    ...(options.signals ? signalLines(r) : []),
  ];
  if (r.falseAlarmReasons.length) {
    lines.push(
      '',
      `false-alarm reasons: ${r.falseAlarmReasons
        .slice(0, 8)
        .map((x) => `${x.code} ${int(x.count)}`)
        .join(', ')}`,
    );
    lines.push('worst false alarms:');
    for (const a of r.worstFalseAlarms)
      lines.push(
        `  ${String(a.score).padStart(3)} ${a.decision.padEnd(6)} ${a.family.padEnd(28)} ${a.eventId}  ${a.reasons}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** How the legitimate flag rate changes from the smallest generated population to the largest. */
export interface Scale {
  from: string;
  to: string;
  /** Ratio of the legitimate flag rates, larger over smaller population. */
  legitFlagRate: number | null;
  /**
   * The same without the declared crawlers, whose traffic follows the catalogue and not the
   * number of customers: the ratio that shows a threshold counted per network or user agent.
   */
  withoutCrawlers: number | null;
}

const CRAWLERS = 'legit_crawler';

function customerFlagRate(r: SetReport): number | null {
  const rows = r.families.filter((f) => f.label === 'legit' && f.family !== CRAWLERS);
  const events = rows.reduce((n, f) => n + f.events, 0);
  return events ? rows.reduce((n, f) => n + f.flagged, 0) / events : null;
}

const ratio = (a: number | null, b: number | null): number | null => (a !== null && b ? a / b : null);

/** The scale comparison of the own sets, in the order they ran (smallest first); none for one set. */
export function scale(own: readonly SetReport[]): Scale | undefined {
  if (own.length < 2) return undefined;
  const [small, large] = [own[0]!, own[own.length - 1]!];
  return {
    from: small.name,
    to: large.name,
    legitFlagRate: ratio(large.legitFlagRate, small.legitFlagRate),
    withoutCrawlers: ratio(customerFlagRate(large), customerFlagRate(small)),
  };
}

export function formatScale(s: Scale): string {
  return `legit flag rate from "${s.from}" to "${s.to}": x${num(s.legitFlagRate, 2)} (without declared crawlers x${num(s.withoutCrawlers, 2)})\n\n`;
}
