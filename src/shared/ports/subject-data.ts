/** The subject-data port: what the customers' rights need of the stored profiles. */
import type { Observation, ProfileKey, ProfileWrite, SignalKind, SubjectControls } from '../profile.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';

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
 * A subject's data across the profiles, beside the profile store the detection needs
 * (src/shared/ports/profiles.ts), over the same stored profiles.
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
