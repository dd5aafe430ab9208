/**
 * Record factories for contract-v1 events. Each returns a fresh, valid event
 * (the contract's own examples) with `overrides` applied; nested `login`,
 * `browse` and `order` overrides are merged into the defaults. An override of
 * `undefined` removes the field, so `aLogin({ customerId: undefined })` has no
 * `customerId` key at all.
 *
 * For deliberately invalid input (wrong types, extra fields) use
 * {@link withField}, which sets or removes a value by dotted path on a copy.
 */
import type {
  BrowseEvent,
  FailureReason,
  LoginEvent,
  OrderEvent,
  VigilEvent,
} from '../../src/shared/contract/events.ts';

type Overrides<E, K extends keyof E> = Partial<Omit<E, K>> & { [P in K]?: Partial<E[P]> };

export type LoginOverrides = Overrides<LoginEvent, 'login'>;
export type BrowseOverrides = Overrides<BrowseEvent, 'browse'>;
export type OrderOverrides = Overrides<OrderEvent, 'order'>;

/** The processing clock the fixtures are valid against (the day after the examples). */
export const FIXTURE_NOW_MS = Date.parse('2026-11-25T00:00:00Z');

let sequence = 0;

/** A fresh, contract-valid eventId (`f-000001`, `f-000002`, …). */
export function nextEventId(): string {
  sequence += 1;
  return `f-${String(sequence).padStart(6, '0')}`;
}

function dropUndefined<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}

/** Contract example ev-0001 (successful password login), with a fresh eventId unless overridden. */
export function aLogin(overrides: LoginOverrides = {}): LoginEvent {
  const { login, ...top } = overrides;
  return dropUndefined({
    schemaVersion: 1,
    eventId: nextEventId(),
    type: 'login',
    occurredAt: '2026-11-24T09:15:02+01:00',
    ip: '145.53.12.7',
    customerId: 'C1000231',
    deviceId: 'd-7f3a',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
    ...top,
    login: dropUndefined({ username: 'anna@example.nl', outcome: 'success', method: 'password', ...login }),
  } as LoginEvent);
}

/**
 * A failed login with `reason`; `customerId` is left out for `unknown_user`
 * (the contract: absent when no account exists) and kept otherwise.
 */
export function aFailedLogin(reason: FailureReason, overrides: LoginOverrides = {}): LoginEvent {
  const { login, ...top } = overrides;
  return aLogin({
    ...(reason === 'unknown_user' ? { customerId: undefined } : {}),
    ...top,
    login: { outcome: 'failure', failureReason: reason, ...login },
  });
}

/** Contract example ev-0002 (logged-in page view), with a fresh eventId unless overridden. */
export function aBrowse(overrides: BrowseOverrides = {}): BrowseEvent {
  const { browse, ...top } = overrides;
  return dropUndefined({
    schemaVersion: 1,
    eventId: nextEventId(),
    type: 'browse',
    occurredAt: '2026-11-24T09:15:40+01:00',
    ip: '145.53.12.7',
    customerId: 'C1000231',
    sessionId: 's-91',
    ...top,
    browse: dropUndefined({ path: '/glasvezel/abonnementen', kind: 'page', ...browse }),
  } as BrowseEvent);
}

/** Contract example ev-0003 (iDEAL order), with a fresh eventId unless overridden. */
export function anOrder(overrides: OrderOverrides = {}): OrderEvent {
  const { order, ...top } = overrides;
  return dropUndefined({
    schemaVersion: 1,
    eventId: nextEventId(),
    type: 'order',
    occurredAt: '2026-11-24T09:21:13+01:00',
    ip: '145.53.12.7',
    customerId: 'C1000231',
    deviceId: 'd-7f3a',
    ...top,
    order: dropUndefined({
      orderId: 'O-88121',
      amountMinor: 4995,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'ideal',
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountCreatedAt: '2021-03-02T10:00:00Z',
      ...order,
    }),
  } as OrderEvent);
}

/**
 * A deep copy of `event` with the value at dotted `path` (e.g.
 * `order.amountMinor`) replaced by `value`, or removed when `value` is
 * `undefined`. Intermediate objects are created as needed. The result is
 * `Record<string, unknown>` because it is usually no longer a valid event.
 */
export function withField(
  event: VigilEvent | Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined || last === '') throw new Error(`withField: empty path`);
  let target = copy;
  for (const key of keys) {
    const next = target[key];
    if (typeof next !== 'object' || next === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** One NDJSON line for `event`. */
export function toLine(event: unknown): string {
  return JSON.stringify(event);
}
