import type { AlertDetail } from '../api.ts';
import { when } from '../words.ts';
import { Facts } from './facts.tsx';

type Timeline = NonNullable<AlertDetail['timeline']>;

/** The subject's pseudonymous history as the rules saw it, newest first, each with its expiry. */
export function Timeline({ timeline, alertId }: { timeline?: Timeline | undefined; alertId: string }) {
  if (!timeline) return <p class="muted">This alert names no subject, account or address with a history.</p>;
  if (timeline.observations.length === 0) {
    return (
      <p class="muted">Nothing of {timeline.profile} is kept any more: its observations have expired.</p>
    );
  }
  return (
    <table class="timeline">
      <caption>
        History of <code>{timeline.profile}</code>, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">What the rules saw</th>
          <th scope="col">Forgotten on</th>
        </tr>
      </thead>
      <tbody>
        {timeline.observations.map((o) => (
          <tr key={o.eventId} class={o.eventId === alertId ? 'selected' : undefined}>
            <td>{when(o.at)}</td>
            <td>
              {o.kind}
              {o.eventId === alertId && <span class="muted"> (this alert)</span>}
            </td>
            <td>
              <Facts facts={o.facts} />
            </td>
            <td>{when(o.expiresAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
