/**
 * A small chart of one rule over time: alerts raised per day, and the fraud and legitimate
 * verdicts among them. uPlot (https://github.com/leeoniya/uPlot) draws it on a canvas; it is
 * loaded with the scorecard only, so the queue's first load does not carry it.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Day, everyDay } from '../days.ts';

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
