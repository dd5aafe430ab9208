import type { LoginMethod } from '../shared/contract/events.ts';
import type { EventFacts } from '../shared/facts.ts';
import {
  type LoginTally,
  SLOT_MINUTES,
  type SliceNames,
  agentSlice,
  asnSlice,
  hourTallies,
  BURST_SLOT_MS,
  burstTally,
  slotTally,
} from '../shared/login-waves.ts';
import type { Observation } from '../shared/profile.ts';
import { type ProfileView, minutes } from './rule.ts';
import { recentOf } from './window.ts';
import { baselineShare, excessOver } from './excess.ts';

/*
 * Whether a failed login is part of a wave: the share of failures (or of unknown-username
 * failures) in a slice of the shop's logins (the whole shop, the login method, the autonomous
 * system, the user-agent family) against that slice's own trailing baseline (src/rules/excess.ts).
 * Shares, not counts: a sale day brings more logins and as many more typos, and its share stays
 * where it was.
 *
 * The burst slice is the whole shop over the last two minutes, counting other clients'
 * unknown-username failures only: the first failures of a wave come seconds apart from different
 * clients, which the shop's usual rate of them makes improbable (a Poisson surprise against the
 * baseline share) before a five-minute slot has filled. One client failing again is its own
 * retry, not a wave. Its share is taken against successful logins, which a wave does not add to
 * (as the browse waves take starts against known clients' views): quiet minutes hold one or two
 * logins, the wave's own. It counts the ten-second slots that ended before the event's: a batch
 * redelivered after a crash finds its own counts stored already, later events' too, and those
 * are all in the event's slot or after it, so the burst is judged exactly as the first time.
 */

/** Which share a wave is measured on: unknown-username failures, or the other failures (wrong passwords). */
export type WaveCounter = 'unknownUser' | 'wrongPassword';

/** The parameters of the wave measure (each wave rule's `defaults` carries them). */
export interface WaveSettings {
  /** The recent window of the shop-wide and per-method slices, minutes. */
  recentMinutes: number;
  /** The trailing baseline, hours (the hour holding the event and the one before left out). */
  baselineHours: number;
  /** Hours with fewer logins in a slice do not enter the median of its hourly shares. */
  minHourLogins: number;
  minWaveFailures: number;
  minSignificance: number;
  /** The burst slice's window, seconds before the ten-second slot that holds the event. */
  burstSeconds: number;
  /** Failures of the burst slice (other clients' and this one) that can make a wave. */
  minBurstFailures: number;
  minBurstSignificance: number;
}

/** A wave found in one slice. */
export interface Wave {
  slice: 'burst' | 'shop' | 'method' | 'network' | 'browser';
  counter: WaveCounter;
  /** Failures (of the counter) and logins in the recent window, with this one. */
  failures: number;
  logins: number;
  /** The baseline share and the recent one. */
  baselineShare: number;
  share: number;
  /** ln of the odds that a failure of the slice is part of the wave. */
  oddsNats: number;
}

const HOUR = 3_600_000;

const counted = (t: LoginTally, counter: WaveCounter): number =>
  counter === 'unknownUser' ? t.unknownUser : t.failures - t.unknownUser;

/** The wave of one slice, if its recent tally is significantly above its baseline share. */
function waveOf(
  slice: Wave['slice'],
  counter: WaveCounter,
  recent: LoginTally,
  baseline: readonly LoginTally[],
  s: WaveSettings,
): Wave | undefined {
  const failures = counted(recent, counter) + 1;
  const logins = recent.logins + 1;
  const burst = slice === 'burst';
  // Wrong passwords come in runs from one person (a forgotten password, tried five times): other
  // clients' failures within a minute are no surprise, and the counters cannot tell them apart.
  if (burst && counter !== 'unknownUser') return undefined;
  const minWaveCount = burst ? s.minBurstFailures : s.minWaveFailures;
  if (failures < minWaveCount) return undefined;
  // A burst is judged against the successful logins around it, the traffic a wave does not add to:
  // within minutes the wave's own failures would otherwise be most of the reference.
  const reference = (t: LoginTally) => (burst ? t.logins - t.failures : t.logins);
  const p0 = baselineShare(
    baseline.map((h) => ({ count: counted(h, counter), total: reference(h) })),
    s.minHourLogins,
  );
  const excess = excessOver({ count: failures, total: reference(recent) + 1 }, p0, {
    minWaveCount,
    minSignificance: burst ? s.minBurstSignificance : s.minSignificance,
  });
  return excess && { slice, counter, failures, logins, ...excess };
}

/** A slice of the shop's logins that a login falls in: its recent tally and its hourly baseline. */
interface SliceTallies {
  slice: Wave['slice'];
  recent: LoginTally;
  baseline: LoginTally[];
}

/** The slices a login falls in, tallied over the recent window and the baseline hours. */
function sliceTallies(
  event: EventFacts,
  view: ProfileView,
  s: Pick<WaveSettings, 'recentMinutes' | 'baselineHours' | 'burstSeconds'>,
): SliceTallies[] {
  const buckets = view.global.buckets;
  const at = event.at;
  const currentHour = Math.floor(at / HOUR) * HOUR;
  const baselineFrom = currentHour - (s.baselineHours + 1) * HOUR;
  const baselineTo = currentHour - 2 * HOUR;
  const slotFrom = at - minutes(s.recentMinutes) - minutes(SLOT_MINUTES) + 1;
  const method: LoginMethod | 'none' = event.login?.method ?? 'none';
  const past = buckets.filter((b) => b.start >= baselineFrom && b.start <= baselineTo);
  const hourly = (slice: SliceNames) => ({
    recent: sum(hourTallies(buckets, currentHour - HOUR, currentHour, slice)),
    baseline: hourTallies(buckets, baselineFrom, baselineTo, slice),
  });
  const shopBaseline = past.map((b) => ({
    logins: b.logins,
    failures: b.failures,
    unknownUser: b.unknownUserFailures,
  }));
  const slices: SliceTallies[] = [
    { slice: 'burst', recent: othersBurst(event, view, s.burstSeconds), baseline: shopBaseline },
    { slice: 'shop', recent: slotTally(buckets, slotFrom, at), baseline: shopBaseline },
    {
      slice: 'method',
      recent: slotTally(buckets, slotFrom, at, method),
      baseline: past.map((b) => slotTally([b], b.start, b.start + HOUR - 1, method)),
    },
  ];
  if (event.ip.asn !== undefined) slices.push({ slice: 'network', ...hourly(asnSlice(event.ip.asn)) });
  if (event.userAgent) slices.push({ slice: 'browser', ...hourly(agentSlice(event.userAgent.family)) });
  return slices;
}

/**
 * The whole shop's logins in the ten-second slots of the `burstSeconds` before the one that holds
 * the event, less this client's own: the burst of other clients.
 */
function othersBurst(event: EventFacts, view: ProfileView, burstSeconds: number): LoginTally {
  const slot = Math.floor(event.at / BURST_SLOT_MS) * BURST_SLOT_MS;
  const from = slot - burstSeconds * 1000;
  const tally = burstTally(view.global.buckets, from, slot - 1);
  const own = recentOf(view.observations('client', event.client), 'login', event.at, event.at - from);
  for (const o of own) {
    if (o.at >= slot) continue;
    tally.logins--;
    if (o.outcome !== 'failure') continue;
    tally.failures--;
    if (o.failureReason === 'unknown_user') tally.unknownUser--;
  }
  return {
    logins: Math.max(0, tally.logins),
    failures: Math.max(0, tally.failures),
    unknownUser: Math.max(0, tally.unknownUser),
  };
}

/**
 * The strongest wave of `counter`, over the slices this login falls in; undefined when there is
 * none.
 */
export function strongestWave(
  event: EventFacts,
  view: ProfileView,
  counter: WaveCounter,
  s: WaveSettings,
): Wave | undefined {
  // Both wave rules ask, for both counters: the slices are tallied once per login.
  const slices = view.derived(
    event,
    `wave slices ${s.recentMinutes} ${s.baselineHours} ${s.burstSeconds}`,
    () => sliceTallies(event, view, s),
  );
  let best: Wave | undefined;
  for (const { slice, recent, baseline } of slices) {
    const wave = waveOf(slice, counter, recent, baseline, s);
    if (wave && (!best || wave.oddsNats > best.oddsNats)) best = wave;
  }
  return best;
}

function sum(tallies: readonly LoginTally[]): LoginTally {
  const total = { logins: 0, failures: 0, unknownUser: 0 };
  for (const t of tallies) {
    total.logins += t.logins;
    total.failures += t.failures;
    total.unknownUser += t.unknownUser;
  }
  return total;
}

/** How many other usernames failed among a client's recent logins. */
export function otherFailedUsernames(logins: readonly Observation[], username: string): number {
  const others = new Set<string>();
  for (const o of logins)
    if (o.outcome === 'failure' && o.username && o.username !== username) others.add(o.username);
  return others.size;
}

const SLICE_NAMES: Readonly<Record<Wave['slice'], string>> = {
  burst: 'the whole shop over the last two minutes',
  shop: 'the whole shop',
  method: 'this login method',
  network: "this address's network (AS)",
  browser: 'this browser family',
};

/** The message naming a wave: its slice, its share against the baseline. */
export function waveMessage(wave: Wave): string {
  const what = wave.counter === 'unknownUser' ? 'unknown-username failures' : 'wrong passwords';
  const ratio = wave.share / wave.baselineShare;
  return `${what} in ${SLICE_NAMES[wave.slice]} are ${ratio.toFixed(1)}x their usual share (${wave.failures} of ${wave.logins} logins)`;
}

/** A wave as evidence: counts and shares only. */
export function waveEvidence(wave: Wave): Record<string, number | string> {
  return {
    slice: wave.slice,
    counter: wave.counter,
    failures: wave.failures,
    logins: wave.logins,
    share: Number(wave.share.toFixed(3)),
    baselineShare: Number(wave.baselineShare.toFixed(4)),
  };
}

/**
 * Whether the account has signed in before from this device or network: its owner retrying,
 * not a stranger (failures are left out of the history: they may be an attacker's).
 */
export function ownSource(
  history: readonly Observation[],
  device: string | undefined,
  network: string,
): boolean {
  return history.some(
    (o) =>
      o.kind === 'login' &&
      o.outcome === 'success' &&
      ((device && o.device === device) || o.network === network),
  );
}

/**
 * Whether a device is a customer's own: one or a few accounts (at most `ownDeviceAccounts`, a
 * household) signed in from it `ownDeviceMinutes` and more before. A username mistyped there is
 * a customer's typo; a stuffing wave's proxies bring devices that never signed in, or that only
 * its own hits signed in from minutes ago.
 */
export function customersDevice(
  history: readonly Observation[],
  at: number,
  s: { ownDeviceMinutes: number; ownDeviceAccounts: number },
): boolean {
  const before = at - minutes(s.ownDeviceMinutes);
  const accounts = new Set<string>();
  for (const o of history) {
    if (o.at > before) break;
    if (o.kind === 'login' && o.outcome === 'success' && o.subject !== undefined) accounts.add(o.subject);
  }
  return accounts.size > 0 && accounts.size <= s.ownDeviceAccounts;
}

/** What {@link failureInWave} reads besides the wave measure. */
export interface FailureSettings extends WaveSettings {
  retryMinutes: number;
  strangerNats: number;
  ownDeviceMinutes: number;
  ownDeviceAccounts: number;
  pointsPerNat: number;
  maxPoints: number;
}

/**
 * The wave a failed login fits and its points: the wave's log odds, plus `strangerNats` when the
 * client is not the account's own (see {@link ownSource}); undefined without one, for one person
 * retrying, for the account's owner, or on a customer's own device (see {@link customersDevice}).
 */
export function failureInWave(
  event: EventFacts,
  view: ProfileView,
  counter: WaveCounter,
  s: FailureSettings,
): { wave: Wave; points: number } | undefined {
  const username = event.username!;
  const client = recentOf(
    view.observations('client', event.client),
    'login',
    event.at,
    minutes(s.retryMinutes),
  );
  if (client.some((o) => o.outcome === 'failure' && o.username === username)) return undefined;
  if (ownSource(view.observations('username', username), event.device, event.ip.network)) return undefined;
  if (event.device !== undefined && customersDevice(view.observations('device', event.device), event.at, s))
    return undefined;
  const wave = strongestWave(event, view, counter, s);
  if (!wave) return undefined;
  const points = Math.min(s.maxPoints, Math.round((wave.oddsNats + s.strangerNats) * s.pointsPerNat));
  return points > 0 ? { wave, points } : undefined;
}
