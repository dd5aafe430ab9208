/**
 * The audit trail (admin role): who read or decided what, and when, newest first, filtered by the
 * API (time range, and the analyst as `principal`) and paged by its cursor. Another role is
 * refused by the API.
 */
import type { AuditList } from '../api.ts';
import { BASE, navigate } from '../router.ts';
import { useApi } from '../use-api.ts';
import { when } from '../words.ts';
import { Failure, Loading } from '../parts/status.tsx';
import { Facts } from '../parts/facts.tsx';
import { Pager } from '../parts/pager.tsx';

function setParam(params: URLSearchParams, name: string, value: string): void {
  const next = new URLSearchParams(params);
  if (value) next.set(name, value);
  else next.delete(name);
  // A cursor belongs to its filter: a new filter starts from the first page.
  next.delete('cursor');
  navigate(`${BASE}/audit?${next}`, true);
}

export function Audit({ params }: { params: URLSearchParams }) {
  const query = new URLSearchParams();
  for (const name of ['from', 'to'] as const) {
    const value = params.get(name);
    if (value) query.set(name, new Date(value).toISOString());
  }
  for (const [name, as] of [
    ['analyst', 'principal'],
    ['limit', 'limit'],
    ['cursor', 'cursor'],
  ] as const) {
    const value = params.get(name);
    if (value) query.set(as, value);
  }
  const trail = useApi<AuditList>(`/v1/audit?${query}`);
  const entries = trail.data?.entries ?? [];
  const input = (name: string, label: string, type: string) => (
    <div class="field">
      <label for={`audit-${name}`}>{label}</label>
      <input
        id={`audit-${name}`}
        type={type}
        value={params.get(name) ?? ''}
        onChange={(e) => setParam(params, name, e.currentTarget.value)}
      />
    </div>
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form class="filters" aria-label="Audit filters" onSubmit={(e) => e.preventDefault()}>
        {input('analyst', 'Analyst', 'search')}
        {input('from', 'From', 'datetime-local')}
        {input('to', 'To', 'datetime-local')}
      </form>
      {trail.error && <Failure error={trail.error} />}
      {trail.loading && !trail.data && <Loading />}
      {trail.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Role</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.entryId}>
                <td>{when(e.at)}</td>
                <td>{e.principalId}</td>
                <td>{e.role}</td>
                <td>{e.action}</td>
                <td>{e.target ?? ''}</td>
                <td>{e.details ? <Facts facts={e.details} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={`${BASE}/audit`} params={params} next={trail.data?.cursor} />
    </section>
  );
}
