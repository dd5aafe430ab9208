/**
 * The in-memory profile store with the subject-data port over the same profiles, for the tests
 * of the customers' rights (production runs them on DynamoDB only).
 */
import type { ProfileWrite, SignalKind, SubjectControls } from '../../src/shared/profile.ts';
import { InMemoryProfileStore } from '../../src/shared/memory/profiles.ts';
import {
  type ForgetCounts,
  type HeldObservation,
  type SubjectDataStore,
  countsOf,
} from '../../src/shared/ports/subject-data.ts';
import type { SubjectPseudonym } from '../../src/shared/pseudonymise.ts';

export class InMemorySubjectData extends InMemoryProfileStore implements SubjectDataStore {
  readonly #controls = new Map<SubjectPseudonym, SubjectControls>();
  readonly #aside = new Map<SubjectPseudonym, HeldObservation[]>();

  protected override controlsOf(subject: SubjectPseudonym): SubjectControls | undefined {
    return this.#controls.get(subject);
  }

  async controls(subjects: readonly SubjectPseudonym[]): Promise<Map<SubjectPseudonym, SubjectControls>> {
    const found = new Map<SubjectPseudonym, SubjectControls>();
    for (const subject of subjects) {
      const c = this.#controls.get(subject);
      if (c) found.set(subject, c);
    }
    return found;
  }

  async setControls(subject: SubjectPseudonym, controls: SubjectControls): Promise<void> {
    if (controls.objection || controls.restriction) this.#controls.set(subject, structuredClone(controls));
    else this.#controls.delete(subject);
  }

  /** Looks through every profile: cheap enough for tests. */
  async observationsOf(subject: SubjectPseudonym, at: number): Promise<HeldObservation[]> {
    const held: HeldObservation[] = [];
    for (const [key, stored] of this.profiles) {
      for (const o of stored.observations) {
        if (o.subject === subject && o.expiresAt > at / 1000) held.push({ key, observation: o });
      }
    }
    return held;
  }

  async forget(subject: SubjectPseudonym, kinds: readonly SignalKind[]): Promise<ForgetCounts> {
    const events = Object.fromEntries(kinds.map((k) => [k, new Set<string>()])) as Record<
      SignalKind,
      Set<string>
    >;
    let profiles = 0;
    for (const stored of this.profiles.values()) {
      const before = stored.observations.length;
      for (let i = stored.observations.length - 1; i >= 0; i--) {
        const o = stored.observations[i]!;
        if (o.subject !== subject || !events[o.kind]) continue;
        events[o.kind].add(o.eventId);
        stored.observations.splice(i, 1);
        stored.counts[o.kind]--;
      }
      if (stored.observations.length < before) profiles++;
    }
    return { observations: countsOf(events), profiles };
  }

  async retract(writes: readonly ProfileWrite[]): Promise<void> {
    for (const { observation, keys } of writes) {
      for (const key of keys) {
        const stored = this.profiles.get(key);
        const i = stored?.observations.findIndex((o) => o.eventId === observation.eventId) ?? -1;
        if (i < 0) continue;
        stored!.observations.splice(i, 1);
        stored!.counts[observation.kind]--;
      }
    }
  }

  async setAside(subject: SubjectPseudonym, held: readonly HeldObservation[]): Promise<void> {
    this.#aside.set(subject, [...(this.#aside.get(subject) ?? []), ...held]);
  }

  async heldAside(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    return [...(this.#aside.get(subject) ?? [])];
  }

  async dropAside(subject: SubjectPseudonym): Promise<void> {
    this.#aside.delete(subject);
  }
}
