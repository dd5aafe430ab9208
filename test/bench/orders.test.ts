import { describe, expect, it } from 'vitest';
import { BENCH_CUSTOMERS, benchOrder, historyOrders, scoreOrders } from '../../bench/orders.ts';
import { parseEventLine } from '../../src/shared/contract/events.ts';

/** The first contract violation among the lines, or undefined when every one is a valid event. */
function firstInvalid(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const parsed = parseEventLine(line, Date.now());
    if (!parsed.ok) return `${JSON.parse(line).eventId}: ${parsed.error}`;
  }
  return undefined;
}

describe('the API bench orders', () => {
  it('gives every bench customer a history of valid orders, none of which the consumer would dead-letter', () => {
    // Prepare
    const customerOf = (line: string) => (JSON.parse(line) as { customerId: string }).customerId;

    // Act
    const history = historyOrders();

    // Assess
    expect(firstInvalid(history)).toBeUndefined();
    expect(new Set(history.map(customerOf)).size).toBe(BENCH_CUSTOMERS);
    expect(new Set(history.map((line) => JSON.parse(line).eventId)).size).toBe(history.length);
  });

  it('scores valid orders of customers with a history, under event ids the history does not use', () => {
    // Prepare
    const historyIds = new Set(historyOrders().map((line) => JSON.parse(line).eventId));
    const historyCustomers = new Set(historyOrders().map((line) => JSON.parse(line).customerId));

    // Act
    const orders = scoreOrders();

    // Assess
    expect(firstInvalid(orders)).toBeUndefined();
    expect(orders.filter((line) => historyIds.has(JSON.parse(line).eventId))).toEqual([]);
    expect(orders.every((line) => historyCustomers.has(JSON.parse(line).customerId))).toBe(true);
  });

  it('refuses an order number below 0, which made the amount negative', () => {
    // Act / Assess
    expect(() => benchOrder(1, -1)).toThrow(/n must be a whole number >= 0, got -1/);
  });
});
