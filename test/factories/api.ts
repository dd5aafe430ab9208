/**
 * Factories of the APIs' test data: alerts as the stream consumer writes them, and order
 * events on the real clock (the handlers run on it: `occurredAt` must not be in its future).
 */
import type { Alert } from '../../src/shared/ports/alerts.ts';
import type { Pseudonym } from '../../src/shared/pseudonymise.ts';
import { anOrder, nextEventId, type OrderOverrides } from './events.ts';
import type { OrderEvent } from '../../src/shared/contract/events.ts';

/** An alert as `toAlert` makes it (a brute-force review by default), with `overrides` applied. */
export function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    alertId: nextEventId(),
    decision: 'review',
    score: 50,
    reasons: [
      { code: 'BRUTE_FORCE', points: 50, message: '6 failed logins in 15 min', evidence: { failures: 6 } },
    ],
    rulesetVersion: '2026.11.25',
    eventType: 'login',
    occurredAt: '2026-11-24T08:00:00.000Z',
    subject: 'v1:subjectAAAAAAAAAAAAAAAA' as Pseudonym,
    entities: { ip: 'v1:ipAAAAAAAAAAAAAAAAAAAA' as Pseudonym },
    status: 'open',
    ...overrides,
  };
}

/** An order event a minute before now (valid against the real clock). */
export function aRecentOrder(overrides: OrderOverrides = {}): OrderEvent {
  return anOrder({ occurredAt: new Date(Date.now() - 60_000).toISOString(), ...overrides });
}
