import type { RuleStats } from '../api/schemas.ts';

/** A rule's counts on one UTC day, as `GET /v1/rules/stats` lists them. */
export type Day = RuleStats['rules'][number]['days'][number];

const DAY_MS = 86_400_000;

/**
 * The rule's days and every day between them without alerts (zero), and a day of zero either
 * side: the API lists the days with alerts only, and one day alone would draw as a point.
 *
 * @example
 * ```ts
 * everyDay([{ day: '2026-12-04', alerts: 3, fraud: 1, legitimate: 0 }]).map((d) => d.day);
 * // ['2026-12-03', '2026-12-04', '2026-12-05']
 * ```
 */
export function everyDay(days: readonly Day[]): Day[] {
  if (days.length === 0) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const first = Date.parse(`${days[0]!.day}T00:00:00Z`) - DAY_MS;
  const last = Date.parse(`${days[days.length - 1]!.day}T00:00:00Z`) + DAY_MS;
  const all: Day[] = [];
  for (let t = first; t <= last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    all.push(byDay.get(day) ?? { day, alerts: 0, fraud: 0, legitimate: 0 });
  }
  return all;
}
