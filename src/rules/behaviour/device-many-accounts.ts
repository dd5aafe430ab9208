import type { Observation } from '../../shared/profile.ts';
import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

const DAY_MS = 86_400_000;

/**
 * One device logged in to many customer accounts: an account farm or a fraudster's workstation.
 * Measured against the device's own past: a shared computer in a library or a family laptop has
 * served several accounts on many earlier days, and only a burst well above its usual daily
 * count is suspicious there; a farm's device is new, or quiet until the burst.
 */
export const deviceManyAccounts = defineRule({
  code: 'DEVICE_MANY_ACCOUNTS',
  description: 'Many customer accounts used from one device, beyond its usual sharing',
  appliesTo: ['login', 'order'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 35,
    windowMinutes: 1440,
    minAccounts: 3,
    /** Earlier days with accounts on it that make a device a known shared one. */
    sharedDays: 3,
    /** How many times its usual accounts per day a shared device must serve to count. */
    burstFactor: 3,
  },
  evaluate: (event, view, s) => {
    if (!event.device || !event.subject) return undefined;
    const history = view.observations('device', event.device);
    const windowMs = minutes(s.windowMinutes);
    const accounts = distinct(recentOf(history, undefined, event.at, windowMs), (o) => o.subject).add(
      event.subject,
    );
    if (accounts.size < s.minAccounts) return undefined;
    const usual = usualAccountsPerDay(history, event.at - windowMs, s.sharedDays);
    if (usual !== undefined && accounts.size < s.burstFactor * usual) return undefined;
    return {
      message:
        usual === undefined
          ? `${accounts.size} customer accounts used this device within ${s.windowMinutes / 60} h`
          : `${accounts.size} customer accounts used this shared device within ${s.windowMinutes / 60} h, ${s.burstFactor}x or more its usual ${round(usual)} a day`,
      evidence: {
        accounts: accounts.size,
        windowMinutes: s.windowMinutes,
        ...(usual === undefined ? {} : { usualPerDay: round(usual) }),
      },
    };
  },
});

const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * The mean number of distinct accounts per active day before `before`, when the device had
 * accounts on at least `minDays` days then (a known shared device); otherwise undefined.
 */
function usualAccountsPerDay(
  history: readonly Observation[],
  before: number,
  minDays: number,
): number | undefined {
  const perDay = new Map<number, Set<string>>();
  for (const o of history) {
    if (o.at >= before) break;
    if (!o.subject) continue;
    const day = Math.floor(o.at / DAY_MS);
    (perDay.get(day) ?? perDay.set(day, new Set()).get(day)!).add(o.subject);
  }
  if (perDay.size < minDays) return undefined;
  let total = 0;
  for (const subjects of perDay.values()) total += subjects.size;
  return total / perDay.size;
}
