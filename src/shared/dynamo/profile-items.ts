/**
 * The items of the profiles table that hold profiles, controls and set-aside data: their keys and
 * how an observation is stored. Shared by the profile adapter (profiles.ts, profile-writes.ts)
 * and the subject-data adapter (subject-data.ts); docs/storage.md describes the layout.
 */
import { decodeMapKey, encodeMapKey } from '../map-keys.ts';
import type {
  Observation,
  Profile,
  ProfileKey,
  ProfileWrite,
  SignalKind,
  SubjectControls,
} from '../profile.ts';
import { PROFILE_LIMITS } from '../ports/profiles.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import type { Item } from './updates.ts';

/** Observations set (or removed) per UpdateItem: keeps the expression well below its 4 KB limit. */
export const PATHS_PER_UPDATE = 50;

const SUBJECT_PREFIX = 'subject#';
/** A subject's controls: `control#<subject pseudonym>`, without expiry. */
export const controlPk = (subject: SubjectPseudonym): string => `control#${subject}`;
/** What a restriction set aside: `aside#<subject pseudonym>`. */
export const asidePk = (subject: SubjectPseudonym): string => `aside#${subject}`;

/** The subject of a `subject#…` profile key, or undefined for an entity's key. */
export const subjectOfKey = (key: ProfileKey): SubjectPseudonym | undefined =>
  key.startsWith(SUBJECT_PREFIX) ? (key.slice(SUBJECT_PREFIX.length) as SubjectPseudonym) : undefined;

/** A control item as the port's SubjectControls. */
export function toControls(item: Item): SubjectControls {
  const controls: SubjectControls = {};
  if (item.objection) controls.objection = item.objection as SubjectControls['objection'] & object;
  if (item.restriction) controls.restriction = item.restriction as SubjectControls['restriction'] & object;
  return controls;
}

/**
 * The short names an observation's fields are stored under. Each observation is one string
 * attribute of JSON with these names (`{"k":"login","t":…}`), not a DynamoDB map of typed
 * attributes: an item is charged by its size, attribute names included, and the SDK unmarshals
 * one string far faster than a dozen typed values.
 */
const SHORT_NAMES: Readonly<Record<keyof Observation, string>> = {
  eventId: 'e',
  kind: 'k',
  at: 't',
  expiresAt: 'x',
  subject: 's',
  username: 'u',
  ip: 'i',
  network: 'n',
  device: 'd',
  userAgent: 'a',
  outcome: 'o',
  failureReason: 'f',
  method: 'lm',
  country: 'c',
  lat: 'la',
  lon: 'lo',
  accuracyKm: 'r',
  hosting: 'h',
  flagScore: 'fs',
  unfamiliar: 'uf',
  denied: 'dn',
  ring: 'rg',
  sessionless: 'sl',
  probe: 'p',
  amountMinor: 'm',
  payment: 'pm',
  address: 'ad',
  accountAgeDays: 'ag',
};
const LONG_NAMES: Readonly<Record<string, keyof Observation>> = Object.fromEntries(
  Object.entries(SHORT_NAMES).map(([long, short]) => [short, long as keyof Observation]),
);

/** An observation as stored: JSON text with the short field names, without its eventId (the map key). */
export function encodeObservation(o: Observation): string {
  const short: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(o)) {
    if (value !== undefined && name !== 'eventId') short[SHORT_NAMES[name as keyof Observation]] = value;
  }
  return JSON.stringify(short);
}

/** A stored observation (and the name of its map key, see src/shared/map-keys.ts) back as the port's Observation. */
export function decodeObservation(stored: string, name: string): Observation {
  const long: Record<string, unknown> = { eventId: decodeMapKey(name) };
  for (const [name, value] of Object.entries(JSON.parse(stored) as Record<string, unknown>))
    long[LONG_NAMES[name]!] = value;
  return long as unknown as Observation;
}

/**
 * The names an observation may be stored under: its escaped key and, for an id that needed
 * escaping, the raw id too, which a store without the escaping wrote with a path update
 * (removing a name that is not there does nothing).
 */
export function storedNamesOf(eventId: string): string[] {
  const name = encodeMapKey(eventId);
  return name === eventId ? [name] : [name, eventId];
}

/** Every observation a profile item holds, decoded. */
export function storedObservations(item: Item): Observation[] {
  return Object.entries((item.obs ?? {}) as Record<string, string>).map(([name, o]) =>
    decodeObservation(o, name),
  );
}

/** The keys of the profiles a subject item links to (see {@link linksOf}). */
export const linkedKeys = (item: Item): ProfileKey[] =>
  Object.keys((item.links ?? {}) as Record<string, number>).map((name) => decodeMapKey(name) as ProfileKey);

/**
 * For each subject profile among the writes, the other profiles its events went to, with the
 * latest expiry of the observations that link them: the subject item's map `links`, by which
 * the customers' rights find the subject's observations in every profile.
 */
export function linksOf(writes: readonly ProfileWrite[]): Map<ProfileKey, Map<ProfileKey, number>> {
  const bySubject = new Map<ProfileKey, Map<ProfileKey, number>>();
  for (const { observation, keys } of writes) {
    const subject = keys.find((k) => k.startsWith(SUBJECT_PREFIX));
    if (!subject) continue;
    let links = bySubject.get(subject);
    if (!links) bySubject.set(subject, (links = new Map()));
    for (const key of keys) {
      if (key !== subject) links.set(key, Math.max(links.get(key) ?? 0, observation.expiresAt));
    }
  }
  return bySubject;
}

/** What the trimming of a profile needs to know of an observation. */
export type ObservationMeta = Pick<Observation, 'eventId' | 'kind' | 'at' | 'expiresAt'>;

const byTime = (a: ObservationMeta, b: ObservationMeta): number =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** The eventIds to remove from a profile: expired as of `nowS`, and the oldest of each kind beyond its limit. */
export function removable(stored: readonly ObservationMeta[], nowS: number): string[] {
  const out: string[] = [];
  const byKind = new Map<SignalKind, ObservationMeta[]>();
  for (const o of stored) {
    if (o.expiresAt <= nowS) {
      out.push(o.eventId);
      continue;
    }
    const list = byKind.get(o.kind);
    if (list) list.push(o);
    else byKind.set(o.kind, [o]);
  }
  for (const [kind, list] of byKind) {
    const excess = list.length - PROFILE_LIMITS[kind];
    if (excess > 0) for (const o of list.sort(byTime).slice(0, excess)) out.push(o.eventId);
  }
  return out;
}

/**
 * A profile item's observations (decoded once by the load) as the port's Profile: unexpired
 * observations, oldest first (ties by eventId), at most the newest {@link PROFILE_LIMITS} of
 * each kind (concurrent writers may leave a few more in the item until the next write trims it).
 */
export function toProfile(key: ProfileKey, stored: readonly Observation[], nowS: number): Profile {
  const over = new Set(removable(stored, nowS));
  return { key, observations: stored.filter((o) => !over.has(o.eventId)).sort(byTime) };
}
