import type { LoginMethod } from './contract/events.ts';
import { LoginMethod as LOGIN_METHODS } from './contract/values.ts';
import type { GlobalBucket, ProfileWrite } from './profile.ts';

/*
 * The wave counters: shop-wide login tallies fine enough to see a distributed attack start, kept
 * in the hour buckets of the shop-wide counters (`GlobalBucket.waves`) by both stores. Each is a
 * count under a name `<slice>.<counter>`:
 *
 * - slices `t<slot>` (the whole shop) and `t<slot>m<method>` (per login method), per five-minute
 *   slot of the hour (0 to 11): a wave is seen within minutes;
 * - slice `b<n>` (the whole shop, per ten seconds of the hour, 0 to 359): the first failures of a
 *   wave, seconds apart, stand out before a five-minute slot fills;
 * - slices `a<n>` (per autonomous system, `asn mod ASN_SLICES`) and `g<n>` (per user-agent
 *   family, hashed into AGENT_SLICES), per hour: a wave concentrated on some networks or one
 *   browser build stands out against that slice's own baseline.
 *
 * Counters: `l` logins, `f` failures, `u` unknown-username failures. Hashed slices keep the item
 * bounded whatever the traffic (at most 12 x 6 + 360 + ASN_SLICES + AGENT_SLICES slices of 3
 * counters): a collision only mixes two baselines, it never loses a count.
 */

/** Minutes per slot of the shop-wide slices. */
export const SLOT_MINUTES = 5;
const SLOT_MS = SLOT_MINUTES * 60_000;
const SLOTS = 12;
/** Milliseconds per slot of the burst slice. */
export const BURST_SLOT_MS = 10_000;
const BURST_SLOTS = 3_600_000 / BURST_SLOT_MS;
/** How many slices the autonomous systems and the user-agent families are hashed into. */
export const ASN_SLICES = 128;
export const AGENT_SLICES = 64;

/** What the wave counters keep of one login (coarse: no identifier of anyone). */
export type WaveLogin = Pick<
  NonNullable<ProfileWrite['login']>,
  'outcome' | 'unknownUser' | 'method' | 'asn' | 'agent'
>;

/** A tally of logins. */
export interface LoginTally {
  logins: number;
  failures: number;
  unknownUser: number;
}

/** The five-minute slot of the hour that holds `at`. */
const slotOf = (at: number): number => Math.floor((at % 3_600_000) / SLOT_MS);

/** The burst slot of the hour that holds `at`. */
const burstSlotOf = (at: number): number => Math.floor((at % 3_600_000) / BURST_SLOT_MS);

/** A small stable string hash (FNV-1a, 32 bits). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The counter names of one slice: `<slice>.l`, `<slice>.f` and `<slice>.u`. */
export interface SliceNames {
  logins: string;
  failures: string;
  unknownUser: string;
}

const namesOf = (slice: string): SliceNames => ({
  logins: `${slice}.l`,
  failures: `${slice}.f`,
  unknownUser: `${slice}.u`,
});

// Every slice's names, built once: the tallies behind one scored login read hundreds of them.
const SLOT_NAMES = Array.from({ length: SLOTS }, (_, slot) => namesOf(`t${slot}`));
/** Per slot, per login method in the contract's order, then for a login without one (`x`). */
const METHOD_NAMES = SLOT_NAMES.map((_, slot) =>
  [...LOGIN_METHODS.map((_, i) => i), 'x'].map((m) => namesOf(`t${slot}m${m}`)),
);
const BURST_NAMES = Array.from({ length: BURST_SLOTS }, (_, slot) => namesOf(`b${slot}`));
const ASN_NAMES = Array.from({ length: ASN_SLICES }, (_, n) => namesOf(`a${n}`));
const AGENT_NAMES = Array.from({ length: AGENT_SLICES }, (_, n) => namesOf(`g${n}`));

/** The slice of a login method in one slot. */
const methodSlice = (slot: number, method: LoginMethod | undefined): SliceNames =>
  METHOD_NAMES[slot]![method === undefined ? LOGIN_METHODS.length : LOGIN_METHODS.indexOf(method)]!;

/** The hour slice of an autonomous system. */
export const asnSlice = (asn: number): SliceNames => ASN_NAMES[asn % ASN_SLICES]!;

/** The hour slice of a user-agent family. */
export const agentSlice = (agent: string): SliceNames => AGENT_NAMES[hash(agent) % AGENT_SLICES]!;

/** The name of a user-agent family's slice (`g17`), which the browse waves name their counters by too. */
export const agentSliceId = (agent: string): string => `g${hash(agent) % AGENT_SLICES}`;

/**
 * The counter names one login adds 1 to.
 *
 * @example
 * ```ts
 * waveCounts({ outcome: 'failure', unknownUser: true, method: 'password' }, at); // → ['t3.l', 't3.f', 't3.u', 't3m0.l', …]
 * ```
 */
export function waveCounts(login: WaveLogin, at: number): string[] {
  const slot = slotOf(at);
  const slices = [SLOT_NAMES[slot]!, methodSlice(slot, login.method), BURST_NAMES[burstSlotOf(at)]!];
  if (login.asn !== undefined) slices.push(asnSlice(login.asn));
  if (login.agent !== undefined) slices.push(agentSlice(login.agent));
  const names: string[] = [];
  for (const slice of slices) {
    names.push(slice.logins);
    if (login.outcome === 'failure') names.push(slice.failures);
    if (login.unknownUser) names.push(slice.unknownUser);
  }
  return names;
}

const add = (into: LoginTally, waves: Readonly<Record<string, number>>, slice: SliceNames): void => {
  into.logins += waves[slice.logins] ?? 0;
  into.failures += waves[slice.failures] ?? 0;
  into.unknownUser += waves[slice.unknownUser] ?? 0;
};

const empty = (): LoginTally => ({ logins: 0, failures: 0, unknownUser: 0 });

/** The sum, over the buckets, of the slots of `slotMs` (named by `slice`) that start in `[from, to]`. */
function slotsTally(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  slotMs: number,
  slice: (slot: number) => SliceNames,
): LoginTally {
  const tally = empty();
  const slots = 3_600_000 / slotMs;
  for (const b of buckets) {
    if (b.start + 3_600_000 <= from || b.start > to || !b.waves) continue;
    for (let slot = 0; slot < slots; slot++) {
      const start = b.start + slot * slotMs;
      if (start < from || start > to) continue;
      add(tally, b.waves, slice(slot));
    }
  }
  return tally;
}

/**
 * The whole shop's tally (or one login method's) over the five-minute slots that start in
 * `[from, to]`.
 */
export function slotTally(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  method?: LoginMethod | 'none',
): LoginTally {
  return slotsTally(buckets, from, to, SLOT_MS, (slot) =>
    method === undefined ? SLOT_NAMES[slot]! : methodSlice(slot, method === 'none' ? undefined : method),
  );
}

/** The whole shop's tally over the ten-second slots that start in `[from, to]`. */
export function burstTally(buckets: readonly GlobalBucket[], from: number, to: number): LoginTally {
  return slotsTally(buckets, from, to, BURST_SLOT_MS, (slot) => BURST_NAMES[slot]!);
}

/** Per hour bucket starting in `[from, to]`, the tally of one hour slice (`asnSlice`, `agentSlice`). */
export function hourTallies(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  slice: SliceNames,
): LoginTally[] {
  const out: LoginTally[] = [];
  for (const b of buckets) {
    if (b.start < from || b.start > to) continue;
    const tally = empty();
    if (b.waves) add(tally, b.waves, slice);
    out.push(tally);
  }
  return out;
}

/** Adds two sets of wave counters (a new object). */
export function addWaves(
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>> | undefined,
): Record<string, number> {
  const sum = { ...a };
  for (const [name, n] of Object.entries(b ?? {})) sum[name] = (sum[name] ?? 0) + n;
  return sum;
}

/**
 * The family and major version of a browser or client from its user agent, coarse enough to be
 * shared by many people (`chrome 131`, `safari 18`, `okhttp 4`, `other`): the slice of the wave
 * counters a login is counted in. Edge and Opera are told apart from the Chrome they embed.
 *
 * @example
 * ```ts
 * agentFamily('Mozilla/5.0 (Windows NT 10.0; Win64; x64) … Chrome/131.0.0.0 Safari/537.36'); // → 'chrome 131'
 * ```
 */
export function agentFamily(userAgent: string): string {
  for (const [family, pattern] of FAMILIES) {
    const match = pattern.exec(userAgent);
    if (match) return `${family} ${match[1]}`;
  }
  return 'other';
}

// Most specific first: Edge, Opera and Samsung Internet also write Chrome/…, Chrome also Safari/…
const FAMILIES: readonly (readonly [string, RegExp])[] = [
  ['edge', /Edg(?:e|A|iOS)?\/(\d{1,4})/],
  ['opera', /OPR\/(\d{1,4})/],
  ['samsung', /SamsungBrowser\/(\d{1,4})/],
  ['firefox', /(?:Firefox|FxiOS)\/(\d{1,4})/],
  ['chrome', /(?:Chrome|CriOS)\/(\d{1,4})/],
  ['safari', /Version\/(\d{1,4})[.\d]* (?:Mobile\/\S+ )?Safari\//],
  ['okhttp', /okhttp\/(\d{1,4})/i],
  ['curl', /curl\/(\d{1,4})/i],
  ['python', /python-requests\/(\d{1,4})/i],
];
