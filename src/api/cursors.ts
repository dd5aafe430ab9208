import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { PseudonymKey } from '../shared/pseudonymise.ts';
import { ApiError } from './errors.ts';

/** HMAC-SHA256 tag length, bytes (RFC 2104; not truncated). */
const TAG_BYTES = 32;

/**
 * What a cursor is bound to: the listing that handed it out and the filter it was handed out
 * for (the parameters as the request gave them, absent ones left out). A cursor is accepted
 * by that listing with that filter only.
 */
export interface CursorScope {
  listing: 'alerts' | 'audit' | 'lists';
  filter: Record<string, string | number | undefined>;
}

/**
 * The answer to a cursor that is not one this listing handed out for this filter: forged,
 * altered, cut short, from another listing or filter, or made under a previous key.
 */
export const invalidCursor = (): ApiError =>
  new ApiError(
    400,
    'INVALID_REQUEST',
    'cursor: not a cursor of this listing and filter; list again without it',
    'cursor',
  );

/** The scope as one unambiguous text: JSON of the listing and the filter's entries in name order. */
function scopeText({ listing, filter }: CursorScope): string {
  const entries = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([listing, entries]);
}

/**
 * Makes the listings' cursors opaque and unforgeable: a cursor is the store's own position
 * text with an HMAC tag over it and its scope, all base64url. The stores' positions name
 * days and index keys that they query from; a caller who could write one could make a page
 * query outside its range (the audit trail day by day for centuries) or hand DynamoDB a start
 * key of another partition. With the tag, a position reaches a store only if the API made it
 * for the same listing and filter. The stores validate what they decode all the same.
 *
 * The key is derived from the pseudonymisation master key (HKDF, a label of its own, so it is
 * independent of every other key made from it). A key rotation voids the cursors handed out
 * before it: the caller lists again from the first page.
 *
 * @example
 * ```ts
 * const cursors = new CursorSigner(parseKey(process.env.VIGIL_PSEUDONYM_KEY!));
 * const text = cursors.sign({ listing: 'alerts', filter: { status: 'open' } }, page.cursor);
 * cursors.open({ listing: 'alerts', filter: { status: 'open' } }, text) === page.cursor; // true
 * ```
 */
export class CursorSigner {
  readonly #key: Buffer;

  constructor(key: PseudonymKey) {
    this.#key = Buffer.from(hkdfSync('sha256', key.secret, 'vigil', 'api/cursor', 32));
  }

  sign(scope: CursorScope, position: string): string {
    const body = Buffer.from(position, 'utf8');
    return Buffer.concat([this.#tag(scope, body), body]).toString('base64url');
  }

  /** @throws ApiError 400 naming `cursor` unless this signer made `cursor` for `scope`. */
  open(scope: CursorScope, cursor: string): string {
    const bytes = Buffer.from(cursor, 'base64url');
    const tag = bytes.subarray(0, TAG_BYTES);
    const body = bytes.subarray(TAG_BYTES);
    if (tag.length !== TAG_BYTES || !timingSafeEqual(tag, this.#tag(scope, body))) throw invalidCursor();
    return body.toString('utf8');
  }

  #tag(scope: CursorScope, body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(scopeText(scope)).update('\0').update(body).digest();
  }
}
