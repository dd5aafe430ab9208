import type { ApiFailure } from '../api.ts';
import { signOut } from '../session.ts';

/** What went wrong, in words: a refused role, a lost session, or the API's own message. */
export function Failure({ error }: { error: ApiFailure }) {
  if (error.status === 401) {
    return (
      <p role="alert" class="failure">
        Your sign-in is not valid or has expired (the local stack makes new tokens on every start).{' '}
        <button
          type="button"
          onClick={() => {
            signOut();
            location.reload();
          }}
        >
          Sign in again
        </button>
      </p>
    );
  }
  if (error.status === 403) {
    return (
      <p role="alert" class="failure">
        Your role may not see this screen.
      </p>
    );
  }
  return (
    <p role="alert" class="failure">
      {error.message} ({error.code})
    </p>
  );
}

export const Loading = () => (
  <p class="muted" aria-live="polite">
    Loading…
  </p>
);

/** A decision (`review`, `deny`) or verdict as a coloured badge; the word itself carries the meaning. */
export const Badge = ({ value }: { value: string }) => <span class={`badge badge-${value}`}>{value}</span>;
