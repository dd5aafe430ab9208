/**
 * One alert: decision and score, every reason in words with its evidence, the ruleset version,
 * the subject's timeline, the linked entities with their other alerts, and the disposition.
 * `f`/`l`/`u` choose the verdict in the form; `Escape` goes back to the queue.
 */
import { useMemo, useState } from 'preact/hooks';
import type { AlertDetail, Verdict } from '../api.ts';
import { useKeys } from '../keys.ts';
import { BASE, navigate } from '../router.ts';
import { useApi } from '../use-api.ts';
import { when } from '../words.ts';
import { Disposition } from '../parts/disposition.tsx';
import { Linked } from '../parts/linked.tsx';
import { Reasons } from '../parts/reasons.tsx';
import { Badge, Failure, Loading } from '../parts/status.tsx';
import { Timeline } from '../parts/timeline.tsx';

export function AlertScreen({ alertId }: { alertId: string }) {
  const detail = useApi<AlertDetail>(`/v1/alerts/${encodeURIComponent(alertId)}`);
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const keys = useMemo(
    () => ({
      f: () => setVerdict('fraud'),
      l: () => setVerdict('legitimate'),
      u: () => setVerdict('unsure'),
      Escape: () => navigate(`${BASE}/`),
    }),
    [],
  );
  useKeys(keys);
  if (detail.error) return <Failure error={detail.error} />;
  if (!detail.data) return <Loading />;
  const { alert, timeline } = detail.data;
  return (
    <article aria-labelledby="alert-title">
      <h1 id="alert-title">
        Alert {alert.alertId}: <Badge value={alert.decision} /> score {alert.score}
      </h1>
      <dl class="summary">
        <div>
          <dt>Event</dt>
          <dd>
            {alert.eventType} on {when(alert.occurredAt)}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{alert.status}</dd>
        </div>
        <div>
          <dt>Ruleset</dt>
          <dd>{alert.rulesetVersion}</dd>
        </div>
        <div>
          <dt>Kept until</dt>
          <dd>{when(alert.expiresAt)}</dd>
        </div>
      </dl>
      <h2>Why</h2>
      <Reasons reasons={alert.reasons} />
      <h2>Disposition</h2>
      <Disposition alert={alert} verdict={verdict} onDone={detail.reload} />
      <h2>Linked entities and their other alerts</h2>
      <Linked alert={alert} />
      <h2>Timeline</h2>
      <Timeline timeline={timeline} alertId={alert.alertId} />
    </article>
  );
}
