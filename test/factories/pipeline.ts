/**
 * Shared helpers of the detection-core suites: a fixed test key, a
 * pseudonymiser made with it, and the facts of an event as the pipeline
 * would compute them (parse, then pseudonymise).
 */
import { parseEvent } from '../../src/shared/contract/events.ts';
import { toFacts } from '../../src/pipeline/enrich.ts';
import { compileKnownClients } from '../../src/rules/known-clients.ts';
import type { EventFacts } from '../../src/shared/facts.ts';
import { Pseudonymiser, type PseudonymKey } from '../../src/shared/pseudonymise.ts';
import { FIXTURE_NOW_MS } from './events.ts';

const KNOWN_CLIENTS = compileKnownClients();

/** A fixed 32-byte test key (never a real one). */
export const TEST_SECRET = Buffer.from('vigil-unit-test-key-0123456789ab', 'utf8');

/** The fixed test key as the `VIGIL_PSEUDONYM_KEY` text `v1:<base64>`. */
export const TEST_KEY_TEXT = `v1:${TEST_SECRET.toString('base64')}`;

/** A fresh test key record (a copy, so no test can alter another's secret). */
export function testKey(overrides: Partial<PseudonymKey> = {}): PseudonymKey {
  return { version: 'v1', secret: Buffer.from(TEST_SECRET), ...overrides };
}

/** A pseudonymiser with the fixed test key. */
export function testPseudonymiser(): Pseudonymiser {
  return new Pseudonymiser(testKey());
}

/** `v1:` followed by exactly 22 base64url characters. */
export const PSEUDONYM_PATTERN = /^v1:[A-Za-z0-9_-]{22}$/;

/**
 * The facts of `input` as the detector computes them; throws (with the
 * contract's reason) when the input is not a valid event.
 */
export function factsOf(
  input: unknown,
  pseudonymiser: Pseudonymiser = testPseudonymiser(),
  nowMs: number = FIXTURE_NOW_MS,
): EventFacts {
  const parsed = parseEvent(input, nowMs);
  if (!parsed.ok) throw new Error(`test event is invalid: ${parsed.error}`);
  return toFacts(parsed.event, parsed.occurredAtMs, pseudonymiser, KNOWN_CLIENTS);
}

/** `iso` as epoch milliseconds, throwing on text `Date.parse` cannot read. */
export function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not a timestamp: ${iso}`);
  return value;
}

/** Epoch milliseconds as RFC 3339 text in UTC (`…Z`), for `occurredAt`. */
export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export const DAY_MS = 86_400_000;
export const DAY_S = 86_400;
