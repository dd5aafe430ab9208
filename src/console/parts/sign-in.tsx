import { signIn } from '../session.ts';

/**
 * Sign-in with a bearer token (`npm start` prints it, and a one-click link carrying it in the
 * URL fragment). The token is checked by the API on the first screen's request.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const token = new FormData(e.currentTarget as HTMLFormElement).get('token');
    if (typeof token !== 'string' || token.trim() === '') return;
    signIn(token);
    onSignedIn();
  };
  return (
    <main id="main" class="sign-in">
      <h1>Vigil console</h1>
      <form onSubmit={submit}>
        <label for="token">Access token</label>
        <input id="token" name="token" type="password" autoComplete="off" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">
        Locally, <code>npm start</code> prints the analyst token and a link that signs you in.
      </p>
    </main>
  );
}
