import type { Decision } from '../decision.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import type { Observation, ProfileKey, ProfileSnapshot, SignalKind, SubjectControls } from './model.ts';
import type { ProfileWrite } from './model.ts';

/**
 * How much one profile may hold, whatever the traffic: the newest N
 * observations of each kind. The rules look back minutes to hours over at most
 * a few dozen events, and the history rules (devices, countries, amounts) are
 * satisfied by the latest few dozen logins and orders.
 */
export const PROFILE_LIMITS: Record<SignalKind, number> = { login: 64, order: 32, browse: 32, search: 16 };

/** Shop-wide counters are kept in hourly buckets for a week. */
export const GLOBAL_BUCKET_MS = 3_600_000;
export const GLOBAL_BUCKETS = 24 * 7;

/** The batch form of `findDecision` for a store whose single look-ups cost nothing extra. */
export async function findEach(
  store: Pick<ProfileStore, 'findDecision'>,
  eventIds: readonly string[],
): Promise<Map<string, Decision>> {
  const found = new Map<string, Decision>();
  for (const id of eventIds) {
    const decision = await store.findDecision(id);
    if (decision) found.set(id, decision);
  }
  return found;
}

/** The batch form of `saveDecision` for a store whose single writes cost nothing extra. */
export async function saveEach(
  store: Pick<ProfileStore, 'saveDecision'>,
  decisions: readonly { decision: Decision; expiresAt: number }[],
): Promise<void> {
  for (const { decision, expiresAt } of decisions) await store.saveDecision(decision, expiresAt);
}

/**
 * The profile store port. The detection core only knows this interface; the
 * in-memory adapter serves replay and tests, the DynamoDB adapter the pipeline.
 *
 * Expiry is the store's job on read: an observation whose `expiresAt` has
 * passed (measured at the event time being scored) is never returned, even
 * if the database has not deleted it yet.
 */
/** What a load reads beside the profiles. */
export interface LoadOptions {
  /**
   * Read the shop-wide login counters too (default true). Only a few login rules use them, and on
   * DynamoDB they are a week of hour items (the current one read with every load): the score
   * endpoint, which scores orders, leaves them out.
   */
  readonly shopWide?: boolean;
}

export interface ProfileStore {
  /**
   * The unexpired observations of these profiles, and the shop-wide counters unless
   * `options.shopWide` is false, as of `at` (epoch ms). A snapshot is read before the event's own
   * write and is not valid after the next `record`.
   */
  load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot>;
  /** Appends each write's observation to its profiles and adds its login to the shop-wide counters. */
  record(writes: readonly ProfileWrite[]): Promise<void>;
  /** The decision already given to an event id, if any (idempotency). */
  findDecision(eventId: string): Promise<Decision | undefined>;
  /** Remembers a decision until `expiresAt` (epoch seconds). */
  saveDecision(decision: Decision, expiresAt: number): Promise<void>;
  /** The batch form of {@link findDecision}: the decisions already given to any of these event ids. */
  findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>>;
  /** The batch form of {@link saveDecision}. */
  saveDecisions(decisions: readonly { decision: Decision; expiresAt: number }[]): Promise<void>;
}

/** One stored observation of a subject, and the profile that holds it. */
export interface HeldObservation {
  key: ProfileKey;
  observation: Observation;
}

/** What a forget removed: observations (distinct events) per signal kind, and the profiles touched. */
export interface ForgetCounts {
  observations: Record<SignalKind, number>;
  profiles: number;
}

/**
 * The subject-data port: what the customers' rights need of the stored state, beside the
 * {@link ProfileStore} the detection needs. Both adapters implement both.
 *
 * A subject's observations sit in its own profile and in every entity profile the same event
 * went to (address, network, device, client, user agent, username, payment, shipping address):
 * the adapters find all of them, not only the subject's own partition.
 */
export interface SubjectDataStore {
  /** The controls of these subjects, read consistently (only subjects that have any). */
  controls(subjects: readonly SubjectPseudonym[]): Promise<Map<SubjectPseudonym, SubjectControls>>;
  /** Replaces a subject's controls (an empty object removes them). */
  setControls(subject: SubjectPseudonym, controls: SubjectControls): Promise<void>;
  /** Every unexpired observation of the subject, in every profile that holds one. */
  observationsOf(subject: SubjectPseudonym, at: number): Promise<HeldObservation[]>;
  /** Deletes the subject's observations of these kinds from every profile, expired ones too. */
  forget(subject: SubjectPseudonym, kinds: readonly SignalKind[]): Promise<ForgetCounts>;
  /**
   * Takes back what these writes recorded: their observations from their profiles and, with
   * `unlink`, the links they added to a subject's profile. For a writer that finds, after writing,
   * that a control it had not seen covers what it wrote.
   */
  retract(writes: readonly ProfileWrite[], unlink: boolean): Promise<void>;
  /** Keeps observations aside, out of every profile's reach, until dropped or put back (a restriction). */
  setAside(subject: SubjectPseudonym, held: readonly HeldObservation[]): Promise<void>;
  /** What was set aside for the subject. */
  heldAside(subject: SubjectPseudonym): Promise<HeldObservation[]>;
  /** Deletes what was set aside for the subject. */
  dropAside(subject: SubjectPseudonym): Promise<void>;
}

/** Distinct events per signal kind (every kind present, 0 when none). */
export function countsOf(events: Partial<Record<SignalKind, Set<string>>>): Record<SignalKind, number> {
  return {
    login: events.login?.size ?? 0,
    browse: events.browse?.size ?? 0,
    search: events.search?.size ?? 0,
    order: events.order?.size ?? 0,
  };
}
