import { startSignIn } from '../cognito.ts';
import type { ConsoleConfig } from '../config.ts';
import { signIn } from '../session.ts';

/**
 * Sign-in as `config.json` says: with a bearer token locally (`npm start` prints it, and a
 * one-click link carrying it in the URL fragment), checked by the API on the first screen's
 * request; in AWS through the user pool's sign-in pages (password and MFA).
 */
export function SignIn(props: {
  how: ConsoleConfig['signIn'];
  problem?: string | undefined;
  onSignedIn: () => void;
}) {
  const pool = props.how.kind === 'cognito' ? props.how : undefined;
  return (
    <main id="main" class="sign-in">
      <h1>Vigil console</h1>
      {props.problem && (
        <p role="alert" class="failure">
          {props.problem}
        </p>
      )}
      {pool ? (
        <button type="button" onClick={() => void startSignIn(pool)}>
          Sign in with your Vigil account
        </button>
      ) : (
        <TokenForm onSignedIn={props.onSignedIn} />
      )}
    </main>
  );
}

function TokenForm({ onSignedIn }: { onSignedIn: () => void }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const token = new FormData(e.currentTarget as HTMLFormElement).get('token');
    if (typeof token !== 'string' || token.trim() === '') return;
    signIn(token);
    onSignedIn();
  };
  return (
    <>
      <form onSubmit={submit}>
        <label for="token">Access token</label>
        <input id="token" name="token" type="password" autoComplete="off" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">
        Locally, <code>npm start</code> prints the analyst token and a link that signs you in.
      </p>
    </>
  );
}
