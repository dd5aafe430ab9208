/**
 * The queue's filters, exactly those of `GET /v1/alerts` (status, decision, event type, reason,
 * minimum score, entity, time range), kept in the address: every change replaces the query string, and
 * the queue reads its filter from there.
 */
import type { EventType } from '../../shared/contract/values.ts';
import { navigate } from '../router.ts';

export const FILTERS = [
  'status',
  'decision',
  'eventType',
  'reason',
  'minScore',
  'entity',
  'from',
  'to',
] as const;
type Filter = (typeof FILTERS)[number];

const CHOICES: Partial<Record<Filter, readonly string[]>> = {
  status: ['open', 'closed'],
  decision: ['review', 'deny'],
  eventType: ['login', 'browse', 'order'] satisfies readonly EventType[],
};

/** The filter of the address, as the query of `GET /v1/alerts` (without cursor). */
export function filterQuery(params: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name);
    if (!value) continue;
    // A `datetime-local` value has no offset: it is the analyst's local time.
    query.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
  }
  return query;
}

function setFilter(params: URLSearchParams, name: Filter, value: string): void {
  const next = new URLSearchParams(params);
  if (value) next.set(name, value);
  else next.delete(name);
  next.delete('cursor');
  navigate(`${location.pathname}?${next}`, true);
}

const LABELS: Record<Filter, string> = {
  status: 'Status',
  decision: 'Decision',
  eventType: 'Event type',
  reason: 'Reason code',
  minScore: 'Minimum score',
  entity: 'Entity pseudonym',
  from: 'From',
  to: 'To',
};

function Field({ name, params }: { name: Filter; params: URLSearchParams }) {
  const id = `filter-${name}`;
  const value = params.get(name) ?? '';
  const change = (e: Event) => setFilter(params, name, (e.currentTarget as HTMLInputElement).value);
  const choices = CHOICES[name];
  let input;
  if (choices) {
    input = (
      <select id={id} value={value} onChange={change}>
        <option value="">any</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  } else if (name === 'minScore') {
    input = <input id={id} type="number" min={0} max={100} value={value} onChange={change} />;
  } else if (name === 'reason' || name === 'entity') {
    const example = name === 'reason' ? 'e.g. CREDENTIAL_STUFFING' : 'v1:…';
    input = <input id={id} value={value} placeholder={example} onChange={change} />;
  } else {
    input = <input id={id} type="datetime-local" value={value} onChange={change} />;
  }
  return (
    <div class="field">
      <label for={id}>{LABELS[name]}</label>
      {input}
    </div>
  );
}

export function Filters({ params }: { params: URLSearchParams }) {
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {FILTERS.map((name) => (
        <Field key={name} name={name} params={params} />
      ))}
    </form>
  );
}
