/**
 * What the demo traffic can be asked for, its defaults, and the labels that go beside its events
 * (never into them).
 */
import type { VigilEvent } from '../shared/contract/events.ts';
import { DAY, parseStart } from './time.ts';

export const LEGIT_SCENARIOS = ['normal', 'new_device', 'traveller', 'anonymous', 'crawler'] as const;
export type LegitScenario = (typeof LEGIT_SCENARIOS)[number];

export const ATTACK_SCENARIOS = [
  'brute_force',
  'credential_stuffing',
  'account_takeover',
  'impossible_travel',
  'card_testing',
  'bot_scraping',
  'probing',
] as const;
export type AttackScenario = (typeof ATTACK_SCENARIOS)[number];
export type DemoScenario = LegitScenario | AttackScenario;

export interface DemoOptions {
  /** The same seed and options give the same events, byte for byte. */
  seed?: number;
  /** Customers in the population. */
  customers?: number;
  /** Length of the traffic window in days (fractions allowed). */
  days?: number;
  /** First day: `YYYY-MM-DD` (midnight, shop time Europe/Amsterdam) or an RFC 3339 timestamp. */
  start?: string;
  /** Place attack incidents in the traffic. */
  attacks?: boolean;
}

export const DEMO_DEFAULTS: Required<DemoOptions> = {
  seed: 1,
  customers: 1500,
  days: 3,
  start: '2026-11-16',
  attacks: true,
};

/** About how many events each customer brings per day: their sessions, anonymous visitors, crawlers. */
export const EVENTS_PER_CUSTOMER_DAY = 8.6;

/** One generated event and what it really was. */
export interface LabelledEvent {
  event: VigilEvent;
  label: 'legit' | 'fraud';
  scenario: DemoScenario;
  /** The attack incident an attacker's event belongs to, e.g. `brute_force-1`. */
  incident?: string;
}

/** The options with defaults applied, and the window they describe (epoch ms). */
export interface ResolvedDemoOptions extends Required<DemoOptions> {
  startMs: number;
  endMs: number;
  /** Incidents of each attack scenario: one per 2,250 customer-days, at least one (0 without attacks). */
  incidentsPerScenario: number;
}

/**
 * Applies the defaults and checks the options.
 *
 * @throws an `Error` naming the option, for a start that is no date or sizes out of range
 */
export function resolveDemoOptions(options: DemoOptions = {}): ResolvedDemoOptions {
  const o: Required<DemoOptions> = { ...DEMO_DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) Object.assign(o, { [key]: value });
  if (!Number.isSafeInteger(o.seed)) throw new Error('seed: expected an integer');
  if (!Number.isInteger(o.customers) || o.customers < 1 || o.customers > 10_000_000) {
    throw new Error('customers: expected an integer from 1 to 10,000,000');
  }
  if (!(o.days > 0 && o.days <= 3660)) throw new Error('days: expected a number above 0, at most 3660');
  const startMs = parseStart(o.start);
  const incidents = o.attacks ? Math.max(1, Math.round((o.customers * o.days) / 2250)) : 0;
  return { ...o, startMs, endMs: startMs + Math.round(o.days * DAY), incidentsPerScenario: incidents };
}
