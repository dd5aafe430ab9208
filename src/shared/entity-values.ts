/**
 * A raw identifier as the pipeline pseudonymises it, for callers outside the pipeline (an
 * analyst's list entry given by value): the same spelling rules as the enrichment step, so that
 * the pseudonym matches the one on the events.
 */
import { parseClientIp } from './ip.ts';
import type { ListKind } from './ports/entity-lists.ts';
import type { Pseudonym, Pseudonymiser } from './pseudonymise.ts';

/** Usernames are case-insensitive e-mail addresses or names at the shop: one account, one spelling. */
export const usernameKey = (username: string): string => username.trim().toLowerCase();

/**
 * The pseudonym of a raw value of this kind, or undefined when the value cannot be one: an `ip`
 * is any spelling of an address, a `network` any address in it (or its `/24` or `/48` prefix),
 * a `username` any case of it; the others are taken as they are.
 *
 * @example
 * ```ts
 * entityPseudonym('network', '145.53.12.0/24', p) === p.of('network', '145.53.12.0/24'); // true
 * entityPseudonym('ip', 'not an address', p); // undefined
 * ```
 */
export function entityPseudonym(kind: ListKind, value: string, p: Pseudonymiser): Pseudonym | undefined {
  switch (kind) {
    case 'ip': {
      const ip = parseClientIp(value);
      return ip && p.of('ip', ip.address);
    }
    case 'network': {
      const ip = parseClientIp(value.replace(/\/(24|48)$/, ''));
      return ip && p.of('network', ip.network);
    }
    case 'username':
      return p.of('username', usernameKey(value));
    default:
      return p.of(kind, value);
  }
}
