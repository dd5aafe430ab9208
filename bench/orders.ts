/**
 * The order events of the API bench (bench/api.ts), contract v1: each bench customer's earlier
 * orders, which the consumer stores before the score runs, and the orders the score endpoint is
 * asked about. A module of their own, without side effects, so that a test checks every one of
 * them against the contract (test/bench/orders.test.ts): a history order the consumer
 * dead-letters leaves the scores reading an empty profile, and the figures would be those of a
 * lighter read than the one a returning customer's order makes.
 */

/** Customers with an order history in the bench's DynamoDB. */
export const BENCH_CUSTOMERS = 200;
/** Earlier orders per customer, written through the stream before the runs. */
const HISTORY_PER_CUSTOMER = 2;
/** Distinct orders the score runs send in turn. */
const SCORE_ORDERS = 500;
/** Where the numbers of the history's orders start: apart from those of the runs and the drill. */
const HISTORY_FROM = 2_000_000;

/**
 * Order number `n` (at least 0) of bench customer `customer`, placed a minute ago (the handler
 * checks `occurredAt` against its clock). The customer's address, device and card are the same in
 * every order, so a score reads the profiles the history wrote; the amount runs from EUR 20 to
 * EUR 69 with `n`.
 *
 * @example
 * ```ts
 * JSON.parse(benchOrder(7, 3)).eventId; // → 'bench-3'
 * ```
 */
export function benchOrder(customer: number, n: number): string {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`benchOrder: n must be a whole number >= 0, got ${n}`);
  return JSON.stringify({
    schemaVersion: 1,
    eventId: `bench-${n}`,
    type: 'order',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ip: `145.53.${customer % 250}.${(customer * 7) % 250}`,
    customerId: `C9${String(customer).padStart(6, '0')}`,
    deviceId: `d-${customer}`,
    order: {
      orderId: `O-${n}`,
      amountMinor: 2_000 + (n % 50) * 1_000,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card',
      paymentFingerprint: `card-${customer}`,
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountCreatedAt: '2024-01-01T00:00:00Z',
    },
  });
}

/**
 * Every bench customer's earlier orders, customer after customer in turn.
 *
 * @example
 * ```ts
 * historyOrders().length; // → 400
 * ```
 */
export function historyOrders(): string[] {
  return Array.from({ length: BENCH_CUSTOMERS * HISTORY_PER_CUSTOMER }, (_, k) =>
    benchOrder(k % BENCH_CUSTOMERS, HISTORY_FROM + k),
  );
}

/**
 * The orders the score runs send, in turn: every bench customer's, returning customers all.
 *
 * @example
 * ```ts
 * scoreOrders().length; // → 500
 * ```
 */
export function scoreOrders(): string[] {
  return Array.from({ length: SCORE_ORDERS }, (_, n) => benchOrder(n % BENCH_CUSTOMERS, n));
}
