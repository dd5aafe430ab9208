/**
 * zod schemas and types of the three event types of contract v1 (docs/contract/events.md), with
 * the contract's cross-field rules. Unknown fields (top level and inside `login`, `browse`,
 * `order`) are stripped by zod's default object behaviour: forward compatible, and they can
 * never reach storage.
 */
import * as z from 'zod';
import {
  boundedString,
  countryCode,
  currencyCode,
  envelope,
  id128,
  integerAtLeast,
  oneOf,
  rule,
  timestamp,
} from './fields.ts';
import { BrowseKind, EventType, FailureReason, LoginMethod, LoginOutcome, PaymentMethod } from './values.ts';

const FAILURE_REASONS: ReadonlySet<unknown> = new Set(FailureReason);

const LoginSchema = z.object(
  {
    username: boundedString(1, 256),
    outcome: oneOf(LoginOutcome),
    failureReason: oneOf(FailureReason).optional(),
    method: oneOf(LoginMethod).optional(),
  },
  { error: rule('expected object', 'required for type login') },
);

/**
 * `type: "login"`. Cross-field rules (contract: "customerId on a login:
 * present whenever the username belongs to an existing account, also on
 * failures (bad_password, locked, mfa_failed); absent on unknown_user"):
 * - `login.failureReason` is required with outcome `failure` and forbidden
 *   with `success`;
 * - `customerId` is required on success and on bad_password/locked/mfa_failed;
 * - `customerId` must be absent on `unknown_user`. Rejected rather than
 *   silently dropped: such an event contradicts itself (either the account
 *   exists or the reason is wrong), and accepting it would charge failures
 *   against a nonexistent user to a real customer's profile. Dead-lettering
 *   surfaces the producer bug instead of skewing detection.
 */
export const LoginEventSchema = z
  .object({ ...envelope, type: z.literal('login'), login: LoginSchema })
  .superRefine((e, ctx) => {
    // zod skips this after a type error but not after a failed refinement, so
    // read defensively: an invalid enum value is already reported, add nothing.
    const login = e.login as { outcome?: unknown; failureReason?: unknown } | undefined;
    if (login === undefined) return;
    const { outcome, failureReason } = login;
    if (failureReason !== undefined && !FAILURE_REASONS.has(failureReason)) return;
    for (const [path, message] of loginProblems(e.customerId !== undefined, outcome, failureReason)) {
      ctx.addIssue({ code: 'custom', path, message });
    }
  });

type Problem = [path: string[], message: string];

/** The cross-field rules of a login broken by its outcome, failure reason and customer id. */
function loginProblems(hasCustomer: boolean, outcome: unknown, failureReason: unknown): Problem[] {
  if (outcome === 'failure') {
    if (failureReason === undefined) {
      return [[['login', 'failureReason'], 'required when login.outcome is failure']];
    }
    if (failureReason === 'unknown_user') {
      return hasCustomer
        ? [[['customerId'], 'must be absent when login.failureReason is unknown_user (no account exists)']]
        : [];
    }
    return hasCustomer
      ? []
      : [
          [
            ['customerId'],
            `required when login.failureReason is ${String(failureReason)} (the account exists)`,
          ],
        ];
  }
  if (outcome !== 'success') return [];
  const problems: Problem[] = [];
  if (failureReason !== undefined) {
    problems.push([['login', 'failureReason'], 'only allowed when login.outcome is failure']);
  }
  if (!hasCustomer) problems.push([['customerId'], 'required when login.outcome is success']);
  return problems;
}

const BrowseSchema = z.object(
  {
    // "page path without query string": a `?` is rejected rather than cut off
    // (no normalisation here; query strings also tend to carry personal data).
    path: boundedString(1, 2048).refine((p) => !p.includes('?'), {
      error: 'must not contain a query string (path only)',
    }),
    kind: oneOf(BrowseKind).optional(),
    searchQuery: boundedString(0, 256).optional(),
  },
  { error: rule('expected object', 'required for type browse') },
);

/** `type: "browse"`; `customerId` optional (present when logged in). */
export const BrowseEventSchema = z.object({ ...envelope, type: z.literal('browse'), browse: BrowseSchema });

const OrderSchema = z.object(
  {
    orderId: id128,
    amountMinor: integerAtLeast(0),
    currency: currencyCode,
    itemCount: integerAtLeast(1),
    paymentMethod: oneOf(PaymentMethod),
    paymentFingerprint: id128.optional(),
    billingCountry: countryCode,
    shippingCountry: countryCode,
    shippingAddressId: id128.optional(),
    accountCreatedAt: timestamp().optional(),
  },
  { error: rule('expected object', 'required for type order') },
);

/** `type: "order"`; `customerId` required (v1 has no guest checkout). */
export const OrderEventSchema = z.object({
  ...envelope,
  customerId: z
    .string({ error: rule('expected string of 1–128 chars', 'required for type order') })
    .refine((s) => s.length >= 1 && s.length <= 128, { error: 'expected string of 1–128 chars' }),
  type: z.literal('order'),
  order: OrderSchema,
});

/** Any v1 event, discriminated on `type`. Does not apply the future bound on `occurredAt` (needs a clock): use `parseEvent` (events.ts). */
export const VigilEventSchema = z.discriminatedUnion(
  'type',
  [LoginEventSchema, BrowseEventSchema, OrderEventSchema],
  {
    error: (iss) =>
      (iss.input as { type?: unknown } | undefined)?.type === undefined
        ? 'required'
        : `expected one of ${EventType.join(', ')}`,
  },
);

export type LoginEvent = z.output<typeof LoginEventSchema>;
export type BrowseEvent = z.output<typeof BrowseEventSchema>;
export type OrderEvent = z.output<typeof OrderEventSchema>;
export type VigilEvent = z.output<typeof VigilEventSchema>;
