/**
 * A small chart of one rule over time: alerts raised per day, and the fraud and legitimate
 * verdicts among them. uPlot (https://github.com/leeoniya/uPlot) draws it on a canvas; it is
 * loaded with the scorecard only, so the queue's first load does not carry it.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RuleStats } from '../api.ts';

type Day = RuleStats['rules'][number]['days'][number];

const DAY_MS = 86_400_000;

/**
 * The rule's days and every day between them without alerts (zero), and a day of zero either
 * side: the API lists the days with alerts only, and one day alone would draw as a point.
 */
function everyDay(days: readonly Day[]): Day[] {
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

export default function DayChart({ code, days }: { code: string; days: readonly Day[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const series = everyDay(days);
    const x = series.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: 640,
        height: 200,
        scales: { x: { time: true } },
        series: [
          {},
          { label: 'raised', stroke: '#1d4ed8', width: 2, points: { show: true, size: 7 } },
          { label: 'fraud', stroke: '#b91c1c', width: 2, points: { show: true, size: 7 } },
          { label: 'legitimate', stroke: '#047857', width: 2, points: { show: true, size: 7 } },
        ],
      },
      [x, series.map((d) => d.alerts), series.map((d) => d.fraud), series.map((d) => d.legitimate)],
      box.current,
    );
    return () => plot.destroy();
  }, [days]);
  return (
    <figure class="chart">
      <div
        ref={box}
        role="img"
        aria-label={`${code}: alerts raised, fraud and legitimate verdicts per day`}
      />
      <figcaption>{code} per day (UTC): raised, fraud, legitimate</figcaption>
    </figure>
  );
}
