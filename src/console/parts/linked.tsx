/**
 * The alert's entities (address network, device, payment, address, account…) and, for each, the
 * other alerts that share it (`GET /v1/alerts?entity=`): a credential-stuffing wave or an
 * account farm shows as many alerts behind one network or device.
 */
import { useMemo } from 'preact/hooks';
import { type Alert, listAlerts } from '../api.ts';
import { BASE, followLink } from '../router.ts';
import { useLoaded } from '../use-api.ts';
import { codeInWords, keyInWords } from '../words.ts';
import { Failure } from './status.tsx';

/** Alerts of one entity shown at most (the queue filtered by it has them all). */
const SHOWN = 10;
/** Listing requests per entity: the newest alerts only; the queue filtered by the entity reads on. */
const REQUESTS_PER_ENTITY = 4;

type Serial = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs tasks one after another: the entities' listings are read in turn, not all at once. */
function serially(): Serial {
  let last: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = last.then(task, task);
    last = run.catch(() => {});
    return run;
  };
}

function Shared(props: { kind: string; pseudonym: string; alertId: string; serial: Serial }) {
  const { kind, pseudonym, alertId } = props;
  const list = useLoaded(pseudonym, () =>
    props.serial(() =>
      listAlerts(new URLSearchParams({ entity: pseudonym }), SHOWN + 1, { maxRequests: REQUESTS_PER_ENTITY }),
    ),
  );
  const others = (list.data?.alerts ?? []).filter((a) => a.alertId !== alertId).slice(0, SHOWN);
  return (
    <li>
      <span class="entity-kind">{keyInWords(kind)}</span> <code>{pseudonym}</code>
      {list.error && <Failure error={list.error} />}
      {list.data && (
        <span class="muted">
          {' '}
          {others.length === 0
            ? 'no other alert'
            : `${others.length}${list.data.cursor ? '+' : ''} other alerts`}
        </span>
      )}
      {others.length > 0 && (
        <ul class="shared">
          {others.map((a) => (
            <li key={a.alertId}>
              <a href={`${BASE}/alerts/${encodeURIComponent(a.alertId)}`} onClick={followLink}>
                {a.alertId}
              </a>{' '}
              score {a.score}, {a.reasons.map((r) => codeInWords(r.code)).join(', ')}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function Linked({ alert }: { alert: Alert }) {
  const serial = useMemo(serially, [alert.alertId]);
  const entities: [string, string][] = [
    ...(alert.subject ? [['customer', alert.subject] as [string, string]] : []),
    ...Object.entries(alert.entities),
  ];
  return (
    <ul class="linked">
      {entities.map(([kind, pseudonym]) => (
        <Shared key={kind} kind={kind} pseudonym={pseudonym} alertId={alert.alertId} serial={serial} />
      ))}
    </ul>
  );
}
