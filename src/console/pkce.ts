/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, over the browser's WebCrypto: a
 * random verifier kept in the tab, its SHA-256 challenge sent with the authorization request, so
 * that a code caught on its way back is worth nothing without the verifier.
 * https://www.rfc-editor.org/rfc/rfc7636#section-4
 */

/** Base64url without padding (RFC 7636 Appendix A). */
function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A verifier of 43 characters from 32 random bytes (RFC 7636 §4.1: 256 bits of entropy). */
export function newVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
