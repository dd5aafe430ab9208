import type { FailureReason, LoginMethod, LoginOutcome } from './contract/events.ts';
import type { Pseudonym, SubjectPseudonym } from './pseudonymise.ts';

/**
 * What a stored observation is about. Each kind has its own retention and its
 * own objection scope: `browse` and `search` are covered by a `browse_search`
 * objection, all of them by a `profiling` objection.
 */
export const SIGNAL_KINDS = ['login', 'browse', 'search', 'order'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** Whose profile a profile is: the customer (subject) or a shared entity. */
export const PROFILE_KINDS = [
  'subject',
  'username',
  'ip',
  'network',
  'device',
  'client',
  'userAgent',
  'payment',
  'address',
] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** `<kind>#<pseudonym>`: the partition a profile lives in. */
export type ProfileKey = `${ProfileKind}#${string}`;

/** Builds the key of a profile. */
export const profileKey = (kind: ProfileKind, id: Pseudonym): ProfileKey => `${kind}#${id}`;

/**
 * One pseudonymous fact kept about one event, shared by every profile the
 * event touches. It holds no raw identifier: only pseudonyms, coarse geo and
 * the few business facts the rules need.
 */
export interface Observation {
  eventId: string;
  kind: SignalKind;
  /** Event time, epoch milliseconds. */
  at: number;
  /** When it must be forgotten: epoch seconds (the DynamoDB TTL attribute). */
  expiresAt: number;
  subject?: SubjectPseudonym;
  username?: Pseudonym;
  ip?: Pseudonym;
  network?: Pseudonym;
  device?: Pseudonym;
  userAgent?: Pseudonym;
  outcome?: LoginOutcome;
  failureReason?: FailureReason;
  /** Login: how the customer signed in (a remember-me token, a password, the MFA step, SSO). */
  method?: LoginMethod;
  country?: string;
  lat?: number;
  lon?: number;
  accuracyKm?: number;
  /** The client address is in a hosting or cloud network. */
  hosting?: boolean;
  /** The event was flagged (reviewed or denied): its score, which later events on its session or device inherit a share of. */
  flagScore?: number;
  /**
   * A successful login's unfamiliarity: the points its unfamiliar-login reasons added (a new place,
   * a copied token, wrong passwords first), which what the session changes next builds on.
   */
  unfamiliar?: number;
  /** The event was denied: its session inherits more than a review's share. */
  denied?: true;
  /**
   * The event was linked to other accounts (a shared device, card or address) strongly enough to
   * flag on that alone: the rest of its session is the same ring's.
   */
  ring?: true;
  /** The event came without a session id. */
  sessionless?: true;
  /** Browse: the path looked like vulnerability probing. */
  probe?: boolean;
  amountMinor?: number;
  payment?: Pseudonym;
  address?: Pseudonym;
  /** Order: whole days between the account's creation and the order. */
  accountAgeDays?: number;
}

/** The observations of one profile, oldest first, expired ones already left out. */
export interface Profile {
  readonly key: ProfileKey;
  readonly observations: readonly Observation[];
}

/** Shop-wide counters of one time bucket (the global view the low-and-slow rules need). */
export interface GlobalBucket {
  /** Bucket start, epoch ms. */
  start: number;
  logins: number;
  failures: number;
  unknownUserFailures: number;
  /** Successful logins that had a located IP address (the sum of `countries`). */
  locatedSuccesses: number;
  /** Successful logins per IP country. */
  countries: Record<string, number>;
  /**
   * The wave counters: login tallies per five-minute slot and per slice of the traffic (login
   * method, autonomous system, user-agent family), by name; see src/shared/login-waves.ts; and
   * the browse counters (src/shared/browse-waves.ts).
   */
  waves?: Record<string, number>;
}

/** Shop-wide counters, one bucket per `bucketMinutes`, oldest first. */
export interface GlobalStats {
  readonly buckets: readonly GlobalBucket[];
}

/** What the rules get to see of the stored state: every profile the event touches. */
export interface ProfileSnapshot {
  readonly profiles: ReadonlyMap<ProfileKey, Profile>;
  /**
   * The shop-wide counters; absent when the load left them out (`shopWide: false`, for an event
   * that no rule of `SHOP_WIDE_RULES` in src/rules/shop-wide.ts applies to).
   */
  readonly global?: GlobalStats;
  /**
   * The privacy controls of the subjects among the loaded keys (`subject#…`): only those that
   * have any. A store without controls leaves it out.
   */
  readonly controls?: ReadonlyMap<SubjectPseudonym, SubjectControls>;
}

/**
 * What a customer's objection covers: `profiling`, all behaviour profiling; `browse_search`,
 * only their page views and searches.
 */
export const OBJECTION_SCOPES = ['profiling', 'browse_search'] as const;
export type ObjectionScope = (typeof OBJECTION_SCOPES)[number];

/** The signal kinds each objection scope covers. */
export const SCOPE_KINDS: Readonly<Record<ObjectionScope, readonly SignalKind[]>> = {
  profiling: SIGNAL_KINDS,
  browse_search: ['browse', 'search'],
};

/**
 * A subject's standing privacy controls: kept without expiry, pseudonym and scope only, so that
 * what they cover is never stored again ("forget, and keep forgetting").
 */
export interface SubjectControls {
  /** An objection (GDPR Art. 21): its scope and when it was made (epoch ms). */
  objection?: { scope: ObjectionScope; at: number };
  /** A restriction (GDPR Art. 18): the data is kept aside, unused by the rules, until lifted. */
  restriction?: { at: number };
}

/** The signal kinds a subject's controls keep out of profiling (empty: none). */
export function controlledKinds(controls: SubjectControls | undefined): readonly SignalKind[] {
  if (controls?.restriction) return SIGNAL_KINDS;
  return controls?.objection ? SCOPE_KINDS[controls.objection.scope] : [];
}

/** A profile that has no observations (yet, or any more). */
export const emptyProfile = (key: ProfileKey): Profile => ({ key, observations: [] });

/** What one event adds to the stored state. */
export interface ProfileWrite {
  observation: Observation;
  /** Every profile the observation is appended to. */
  keys: ProfileKey[];
  /** The shop-wide login counters it adds to (logins only). */
  login?: {
    outcome: 'success' | 'failure';
    unknownUser: boolean;
    country?: string;
    method?: LoginMethod;
    /** The autonomous system of the address. */
    asn?: number;
    /** The user-agent family and major version (`chrome 131`): shared by many, names no one. */
    agent?: string;
  };
  /**
   * The shop-wide browse counters it adds to (page views only; see src/shared/browse-waves.ts):
   * whether it was the first request of an anonymous client, the cell of that start, and the
   * user-agent family.
   */
  browse?: {
    start: boolean;
    cell: number;
    agent?: string;
  };
  /**
   * Where the event was read from, when it came from a stream: the shop-wide counters count
   * each login and page view once by remembering, per shard, the highest sequence number counted. Without it
   * (a caller that is not a stream) a login is added every time it is recorded.
   */
  position?: StreamPosition;
}

/** A record's place in the event stream: its shard id and its sequence number (a decimal string). */
export interface StreamPosition {
  shard: string;
  sequence: string;
}
