/**
 * zod schemas of the contract's fields with contract-worded errors: every message names what was
 * expected and never echoes any part of the value (usernames, IPs and ids must not leak into
 * dead letters or logs).
 */
import * as z from 'zod';
import { ISO_3166_ALPHA2 } from './iso3166.ts';
import { rfc3339Problem, rfc3339ToMs } from './rfc3339.ts';
import { EVENT_ID_PATTERN, SCHEMA_VERSION, isCurrencyCode, isIpText } from './values.ts';

/** zod error map: `required` when the field is absent, else `expected`. */
export function rule(expected: string, missing = 'required'): (iss: { readonly input?: unknown }) => string {
  return (iss) => (iss.input === undefined ? missing : expected);
}

/** What a value is, in words that quote none of it: `null`, `array`, `string`, … */
export function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export function schemaVersionProblem(v: unknown): string {
  if (v === undefined) return 'required';
  return typeof v === 'number'
    ? 'unsupported version; this consumer accepts 1'
    : `expected the number 1, got ${kindOf(v)}`;
}

export function boundedString(min: number, max: number): z.ZodString {
  const err = {
    error: rule(
      min === 0 ? `expected string of at most ${max} chars` : `expected string of ${min}–${max} chars`,
    ),
  };
  // One refine instead of .min().max(): zod runs each length check behind a `when` guard of its
  // own, and every event passes through these checks on the consumer's hot path.
  return z.string(err).refine((s) => s.length >= min && s.length <= max, err);
}

export function integerAtLeast(min: number): z.ZodNumber {
  const err = { error: rule(`expected integer ≥ ${min}`) };
  return z.number(err).refine((n) => Number.isSafeInteger(n) && n >= min, err);
}

export const id128 = boundedString(1, 128);

export function timestamp(): z.ZodString {
  return z
    .string({ error: rule('expected RFC 3339 timestamp string') })
    .refine((s) => !Number.isNaN(rfc3339ToMs(s)), { error: (iss) => rfc3339Problem(String(iss.input)) });
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: rule(`expected one of ${values.join(', ')}`) });
}

/** The fields every event carries, whatever its type. */
export const envelope = {
  schemaVersion: z.literal(SCHEMA_VERSION, { error: (iss) => schemaVersionProblem(iss.input) }),
  eventId: z
    .string({ error: rule('expected string of 1–128 chars of [A-Za-z0-9._:-]') })
    .regex(EVENT_ID_PATTERN, { error: 'expected 1–128 chars of [A-Za-z0-9._:-]' }),
  occurredAt: timestamp(),
  ip: z
    .string({ error: rule('expected IPv4 or IPv6 address string') })
    .refine(isIpText, { error: 'not an IPv4 or IPv6 address' }),
  customerId: id128.optional(),
  sessionId: id128.optional(),
  deviceId: id128.optional(),
  userAgent: boundedString(0, 512).optional(),
};

/** An assigned ISO 3166-1 alpha-2 code: `order.billingCountry`, `order.shippingCountry`. */
export const countryCode = z.enum(ISO_3166_ALPHA2, {
  error: rule('expected assigned ISO 3166-1 alpha-2 country code (upper case, e.g. NL)'),
});

const CURRENCY_PROBLEM = 'expected ISO 4217 currency code (3 upper-case letters, e.g. EUR)';

/** An ISO 4217 currency code: `order.currency`. */
export const currencyCode = z.string({ error: rule(CURRENCY_PROBLEM) }).refine(isCurrencyCode, {
  error: CURRENCY_PROBLEM,
});
