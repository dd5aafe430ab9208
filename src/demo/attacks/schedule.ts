/**
 * The attack incidents of the demo traffic: when each happens, and which scenario plays it out.
 */
import type { Tag } from '../emit.ts';
import { ATTACK_SCENARIOS, type AttackScenario, type ResolvedDemoOptions } from '../options.ts';
import type { Rng } from '../random.ts';
import type { Shop } from '../shop.ts';
import { Clock } from '../time.ts';
import { botScraping, cardTesting, probing } from './automation.ts';
import { bruteForce, credentialStuffing } from './passwords.ts';
import { accountTakeover, impossibleTravel } from './takeover.ts';

export interface Attack {
  scenario: AttackScenario;
  id: string;
  /** Which variant of the scenario: user agent, network, whether it succeeds. */
  variant: number;
  at: number;
}

/** One attack scenario played out from `t` on, its events tagged with `tag`. */
type Scenario = (shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag) => void;

const SCENARIOS: Readonly<Record<AttackScenario, Scenario>> = {
  brute_force: bruteForce,
  credential_stuffing: (shop, rng, t, _variant, tag) => credentialStuffing(shop, rng, t, tag),
  account_takeover: accountTakeover,
  impossible_travel: impossibleTravel,
  card_testing: cardTesting,
  bot_scraping: botScraping,
  probing,
};

export function scheduleAttacks(o: ResolvedDemoOptions, rng: Rng): Attack[] {
  const attacks: Attack[] = [];
  const span = o.endMs - o.startMs;
  for (const scenario of ATTACK_SCENARIOS) {
    for (let k = 0; k < o.incidentsPerScenario; k++) {
      // After the first quarter, when the victims have a history the detector has seen, and
      // before the last tenth, so that a stream cut short a little keeps every incident whole.
      const at = o.startMs + span * (0.25 + (0.65 * (k + rng.next())) / o.incidentsPerScenario);
      attacks.push({ scenario, id: `${scenario}-${k + 1}`, variant: k, at: Math.round(at) });
    }
  }
  return attacks.sort((a, b) => a.at - b.at);
}

/** Plays out one incident, drawing from the attackers' random stream `rng`. */
export function runAttack(shop: Shop, rng: Rng, a: Attack): void {
  const tag: Tag = { label: 'fraud', scenario: a.scenario, incident: a.id };
  SCENARIOS[a.scenario](shop, rng, new Clock(a.at, rng), a.variant, tag);
}
