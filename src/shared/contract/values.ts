/**
 * The values of event contract v1 (docs/contract/events.md): its version, enumerations and the
 * checks of its primitive fields, shared by the schemas and by the modules that read the same
 * fields elsewhere (event ids in alert keys).
 */
import { isIP } from 'node:net';

// Enumerations
// ---------------------------------------------------------------------------

/** The only contract version this consumer accepts. */
export const SCHEMA_VERSION = 1;

/** Events whose `occurredAt` lies more than this far past the processing clock are rejected. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export const EventType = ['login', 'browse', 'order'] as const;
export type EventType = (typeof EventType)[number];

export const LoginOutcome = ['success', 'failure'] as const;
export type LoginOutcome = (typeof LoginOutcome)[number];

export const FailureReason = ['bad_password', 'unknown_user', 'locked', 'mfa_failed'] as const;
export type FailureReason = (typeof FailureReason)[number];

export const LoginMethod = ['password', 'sso', 'mfa', 'token'] as const;
export type LoginMethod = (typeof LoginMethod)[number];

export const BrowseKind = ['page', 'search', 'product', 'cart', 'checkout'] as const;
export type BrowseKind = (typeof BrowseKind)[number];

export const PaymentMethod = ['card', 'ideal', 'paypal', 'invoice', 'bank_transfer', 'other'] as const;
export type PaymentMethod = (typeof PaymentMethod)[number];
/** `eventId`: 1–128 characters of `[A-Za-z0-9._:-]`. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an existing ISO 4217 currency code (as known to the runtime's ICU), upper-case only. */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}

/**
 * True for IPv4 or IPv6 text as `node:net` `isIP` accepts it (IPv4-mapped
 * IPv6 such as `::ffff:145.53.12.7` included), except IPv6 zone identifiers
 * (`fe80::1%eth0`): a zone is only meaningful on the host that wrote it, never
 * for a client address seen at the edge.
 */
export function isIpText(ip: string): boolean {
  return isIP(ip) !== 0 && !ip.includes('%');
}
