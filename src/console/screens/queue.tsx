/**
 * The queue: alerts newest first, filtered as the address says, a page at a time (the API's
 * cursor, kept in the address too; Previous from the history entry's trail of cursors). `j`/`k`
 * move, `Enter` opens, `f`/`l`/`u` dispose of the selected alert as fraud, legitimate or unsure.
 */
import { useMemo, useState } from 'preact/hooks';
import { type AlertList, type ApiFailure, type Verdict, disposeAlert, listAlerts } from '../api.ts';
import { useKeys } from '../keys.ts';
import { BASE, followLink, navigate } from '../router.ts';
import { useLoaded } from '../use-api.ts';
import { age, codeInWords } from '../words.ts';
import { Filters, filterQuery } from '../parts/filters.tsx';
import { Pager } from '../parts/pager.tsx';
import { Badge, Failure, Loading } from '../parts/status.tsx';

const PAGE = 25;

/** Alerts per page: the address's `limit` (1–100, as the API takes it), else {@link PAGE}. */
function pageSize(params: URLSearchParams): number {
  const limit = Number(params.get('limit'));
  return Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : PAGE;
}

export function Queue({ params }: { params: URLSearchParams }) {
  const filter = filterQuery(params);
  const cursor = params.get('cursor') ?? undefined;
  const want = pageSize(params);
  const list = useLoaded(`${filter}#${cursor}#${want}`, () => listAlerts(filter, want, { cursor }));
  const [selected, setSelected] = useState(0);
  const [notice, setNotice] = useState('');
  const alerts = list.data?.alerts ?? [];
  const current = alerts[Math.min(selected, alerts.length - 1)];

  const dispose = (verdict: Verdict) => {
    if (!current || current.status === 'closed') return;
    disposeAlert(current.alertId, verdict).then(
      () => {
        setNotice(`Alert ${current.alertId} closed as ${verdict}.`);
        list.reload();
      },
      (err: ApiFailure) => setNotice(`Alert ${current.alertId} not closed: ${err.message}`),
    );
  };
  const keys = useMemo(
    () => ({
      j: () => setSelected((i) => Math.min(i + 1, alerts.length - 1)),
      k: () => setSelected((i) => Math.max(i - 1, 0)),
      Enter: () => current && navigate(`${BASE}/alerts/${encodeURIComponent(current.alertId)}`),
      f: () => dispose('fraud'),
      l: () => dispose('legitimate'),
      u: () => dispose('unsure'),
    }),
    [alerts, current],
  );
  useKeys(keys);

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Alert queue</h1>
      <Filters params={params} />
      <p class="notice" role="status">
        {notice}
      </p>
      {list.error && <Failure error={list.error} />}
      {list.loading && !list.data && <Loading />}
      {list.data && <AlertTable list={list.data} selected={current?.alertId} onSelect={setSelected} />}
      <Pager path={`${BASE}/`} params={params} next={list.data?.cursor} />
    </section>
  );
}

function AlertTable(props: {
  list: AlertList;
  selected?: string | undefined;
  onSelect: (i: number) => void;
}) {
  const now = Date.now();
  if (props.list.alerts.length === 0) return <p>No alerts match these filters on this page.</p>;
  return (
    <table class="alerts">
      <caption class="visually-hidden">Alerts, newest first; j and k move, Enter opens</caption>
      <thead>
        <tr>
          <th scope="col">Score</th>
          <th scope="col">Decision</th>
          <th scope="col">Event</th>
          <th scope="col">Reasons</th>
          <th scope="col">Age</th>
          <th scope="col">Status</th>
          <th scope="col">Alert</th>
        </tr>
      </thead>
      <tbody>
        {props.list.alerts.map((alert, i) => (
          <tr
            key={alert.alertId}
            class={alert.alertId === props.selected ? 'selected' : undefined}
            aria-current={alert.alertId === props.selected ? 'true' : undefined}
            onClick={() => props.onSelect(i)}
          >
            <td class="score">{alert.score}</td>
            <td>
              <Badge value={alert.decision} />
            </td>
            <td>{alert.eventType}</td>
            <td>
              {alert.reasons
                .filter((r) => !r.shadow)
                .map((r) => (
                  <span class="code" key={r.code} title={r.message}>
                    {codeInWords(r.code)}
                  </span>
                ))}
            </td>
            <td title={alert.occurredAt}>{age(alert.occurredAt, now)}</td>
            <td>{alert.disposition ? <Badge value={alert.disposition.verdict} /> : alert.status}</td>
            <td>
              <a href={`${BASE}/alerts/${encodeURIComponent(alert.alertId)}`} onClick={followLink}>
                {alert.alertId}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
