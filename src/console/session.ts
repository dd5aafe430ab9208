/**
 * The analyst's credential in the browser: the bearer token, kept in `sessionStorage` (gone when
 * the tab closes, never in a cookie the browser would send on its own). A one-click link carries
 * it in the URL fragment, which the browser never sends to a server, so it reaches no request
 * line and no log (https://www.rfc-editor.org/rfc/rfc3986#section-3.5); it is taken out of the
 * address at once.
 */
const KEY = 'vigil.token';

/** Moves a `#token=…` of the address into the session and out of the address and its history. */
export function takeTokenFromFragment(): void {
  const found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!found) return;
  sessionStorage.setItem(KEY, decodeURIComponent(found[1]!));
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

export const currentToken = (): string | null => sessionStorage.getItem(KEY);

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
