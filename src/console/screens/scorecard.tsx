/**
 * The rules scorecard: per reason code, the alerts it raised, the open ones, the verdicts and the
 * precision (fraud / (fraud + legitimate)), lowest precision standing out; and the chosen rule
 * over time.
 */
import { lazy, Suspense } from 'preact/compat';
import { useState } from 'preact/hooks';
import type { RuleStats } from '../api.ts';
import { useApi } from '../use-api.ts';
import { codeInWords } from '../words.ts';
import { Failure, Loading } from '../parts/status.tsx';

const DayChart = lazy(() => import('../parts/day-chart.tsx'));

/** Below this precision a rule is flagged noisy: it is wrong more often than right. */
const NOISY = 0.5;

const percent = (p: number | null): string => (p === null ? 'no verdict yet' : `${Math.round(p * 100)} %`);

export function Scorecard() {
  const stats = useApi<RuleStats>('/v1/rules/stats');
  const [chosen, setChosen] = useState<string | undefined>();
  if (stats.error) return <Failure error={stats.error} />;
  if (!stats.data) return <Loading />;
  const { rules } = stats.data;
  const rule = rules.find((r) => r.code === chosen) ?? rules[0];
  return (
    <section aria-labelledby="scorecard-title">
      <h1 id="scorecard-title">Rules scorecard</h1>
      <p>{stats.data.alerts.toLocaleString('en')} alerts read. Choose a rule to see it over time.</p>
      <table class="scorecard">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Raised</th>
            <th scope="col">Open</th>
            <th scope="col">Fraud</th>
            <th scope="col">Legitimate</th>
            <th scope="col">Unsure</th>
            <th scope="col">Precision</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.code} class={r.code === rule?.code ? 'selected' : undefined}>
              <th scope="row">
                <button
                  type="button"
                  class="link"
                  aria-pressed={r.code === rule?.code}
                  onClick={() => setChosen(r.code)}
                >
                  {codeInWords(r.code)}
                </button>
              </th>
              <td>{r.alerts}</td>
              <td>{r.open}</td>
              <td>{r.dispositions.fraud}</td>
              <td>{r.dispositions.legitimate}</td>
              <td>{r.dispositions.unsure}</td>
              <td class={r.precision !== null && r.precision < NOISY ? 'noisy' : undefined}>
                {percent(r.precision)}
                {r.precision !== null && r.precision < NOISY && ' (noisy)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rule && (
        <Suspense fallback={<Loading />}>
          <DayChart code={rule.code} days={rule.days} />
        </Suspense>
      )}
    </section>
  );
}
