/**
 * Sign-in in AWS: the user pool's sign-in pages (password and MFA), the authorization code grant
 * with PKCE for the console's public app client, and the access token as the API's bearer token
 * (the API's authorizer verifies access tokens of this client).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import type { CognitoSignIn } from './config.ts';
import { challengeOf, newVerifier } from './pkce.ts';
import { BASE } from './router.ts';
import { signIn } from './session.ts';

const VERIFIER = 'vigil.pkce.verifier';
const STATE = 'vigil.pkce.state';

/** Where the sign-in pages send the analyst back: the client's one callback URL. */
const home = (): string => `${location.origin}${BASE}/`;

/** Goes to the sign-in pages, with a fresh verifier and state kept in this tab. */
export async function startSignIn(pool: CognitoSignIn): Promise<void> {
  const verifier = newVerifier();
  const state = newVerifier();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: pool.clientId,
    redirect_uri: home(),
    scope: 'openid',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${pool.domain}/oauth2/authorize?${query}`);
}

/**
 * Back from the sign-in pages (`?code=…&state=…`, or `?error=…`): the code and state leave the
 * address at once, and the code is redeemed with the verifier when the state is this tab's.
 *
 * @throws an Error in words when the sign-in did not complete.
 */
export async function finishSignIn(pool: CognitoSignIn): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return;
  history.replaceState(null, '', home());
  const verifier = sessionStorage.getItem(VERIFIER);
  const expected = sessionStorage.getItem(STATE);
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  const code = params.get('code');
  if (!code || !verifier || !expected || params.get('state') !== expected) {
    throw new Error('The sign-in did not complete. Sign in again.');
  }
  const response = await fetch(`${pool.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: pool.clientId,
      code,
      redirect_uri: home(),
      code_verifier: verifier,
    }),
  });
  const tokens = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (!response.ok || typeof tokens.access_token !== 'string') {
    throw new Error('The sign-in was refused. Sign in again.');
  }
  signIn(tokens.access_token);
}

/** The sign-in pages' sign-out, which ends their session too and returns to the console. */
export const signOutUrl = (pool: CognitoSignIn): string =>
  `${pool.domain}/logout?${new URLSearchParams({ client_id: pool.clientId, logout_uri: home() })}`;
