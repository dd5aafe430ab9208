import { randomUUID } from 'node:crypto';
import {
  type ObjectionScope,
  type SignalKind,
  SIGNAL_KINDS,
  type SubjectControls,
  controlledKinds,
} from '../shared/profile.ts';
import type { ProfileWrite } from '../shared/profile.ts';
import type { ProfileStore } from '../shared/ports/profiles.ts';
import type { HeldObservation, SubjectDataStore } from '../shared/ports/subject-data.ts';
import type { Pseudonymiser, SubjectPseudonym } from '../shared/pseudonymise.ts';
import type { SubjectAlerts } from '../shared/ports/alerts.ts';
import type { SubjectDeadLetters } from '../shared/ports/dead-letters.ts';
import type { ReceiptStore, RightsReceipt } from '../shared/ports/receipts.ts';
import { type EntityLists, LIST_NAMES, type ListEntry, entryIdOf } from '../shared/ports/entity-lists.ts';

export interface SubjectRightsDeps {
  store: SubjectDataStore;
  /** The profile store over the same profiles, into which a lifted restriction puts back what it set aside. */
  profiles: Pick<ProfileStore, 'record'>;
  receipts: ReceiptStore;
  alerts: SubjectAlerts;
  deadLetters: SubjectDeadLetters;
  pseudonymiser: Pseudonymiser;
  /**
   * The analysts' allow and deny entries: erasure removes those on the subject, access shows
   * them. Without it (tests of the profiles alone) neither does.
   */
  lists?: Pick<EntityLists, 'lookup' | 'remove'>;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** Everything stored about a subject, as `GET /v1/subjects/{customerId}/export` answers it. */
export interface SubjectExport {
  subject: SubjectPseudonym;
  generatedAt: string;
  about: string;
  signals: {
    kind: SignalKind;
    eventId: string;
    observedAt: string;
    expiresAt: string;
    /** The profiles holding it: the subject's own and each entity's (pseudonymous keys). */
    heldIn: string[];
    /** What was kept: pseudonyms, coarse geography, outcome, amounts (no raw identifier). */
    facts: Record<string, unknown>;
    /** Set aside by a restriction: kept, not used. */
    restricted?: true;
  }[];
  alerts: Record<string, unknown>[];
  suppressions: { scope: ObjectionScope; since: string }[];
  restrictions: { since: string }[];
  /** The analysts' entries on the subject (who made them is left out), when the lists are kept. */
  listEntries?: Pick<ListEntry, 'list' | 'reason' | 'createdAt' | 'expiresAt'>[];
}

/**
 * After a batch's writes: takes back what a control that appeared meanwhile covers. The consumer
 * calls it after each batch (write, then check the markers, with a consistent read); a rights
 * request writes the marker first, then deletes. Whichever way the two interleave, no signal of a
 * covered kind stays behind: either this check sees the marker, or the request's delete (after
 * the marker) sees the consumer's writes. Writes that landed after the request read the profiles
 * are taken back here, by what was written, not by looking them up (the request may have removed
 * the links that would lead to them).
 *
 * @returns the subjects whose writes were taken back
 */
export async function forgetControlled(
  store: Pick<SubjectDataStore, 'controls' | 'retract'>,
  writes: readonly ProfileWrite[],
): Promise<SubjectPseudonym[]> {
  const bySubject = new Map<SubjectPseudonym, ProfileWrite[]>();
  for (const write of writes) {
    const subject = write.observation.subject;
    if (subject) bySubject.set(subject, [...(bySubject.get(subject) ?? []), write]);
  }
  if (bySubject.size === 0) return [];
  const controls = await store.controls([...bySubject.keys()]);
  const retracted: SubjectPseudonym[] = [];
  for (const [subject, c] of controls) {
    const kinds = controlledKinds(c);
    const covered = bySubject.get(subject)!.filter((w) => kinds.includes(w.observation.kind));
    if (covered.length === 0) continue;
    await store.retract(covered, kinds.length === SIGNAL_KINDS.length);
    retracted.push(subject);
  }
  return retracted;
}

const PLAIN_WORDS =
  "Everything Vigil, the shop's fraud and account-protection system, stores about you. Your customer number, " +
  'IP addresses, devices, usernames and payment details are never stored: only pseudonyms of them (keyed ' +
  'HMAC-SHA256 values, "v1:…"), with the coarse country and region of the network you came from. Each signal ' +
  'is one login, page view, search or order, kept until expiresAt (90, 30, 30 and 180 days), in your own ' +
  'profile and in the profiles of the networks, devices and payment instruments it involved (heldIn), so that ' +
  'misuse of your account from elsewhere can be noticed. Alerts are events the rules found suspicious, with the ' +
  'reasons. Suppressions are your objections (what is never stored again); restrictions keep your data aside, ' +
  "unused, until lifted. List entries are the shop analysts' standing decisions to always allow or always deny " +
  'your events, with their reason, until they expire; an objection does not lift them, a restriction ' +
  'suspends them while it stands.';

/**
 * The customers' rights over what Vigil stores, carried out in seconds: objection, access,
 * restriction and erasure. Each works on the subject pseudonym of the customer id, and finds the
 * subject's signals in every profile, not only the subject's own.
 *
 * @example
 * ```ts
 * const rights = new SubjectRights({ store: subjects, profiles, receipts, alerts, deadLetters, pseudonymiser });
 * const receipt = await rights.object('C1000231', 'profiling');
 * receipt.observations; // { login: 12, browse: 40, search: 3, order: 2 }
 * ```
 */
export class SubjectRights {
  readonly #deps: Required<Omit<SubjectRightsDeps, 'lists'>> & Pick<SubjectRightsDeps, 'lists'>;

  constructor(deps: SubjectRightsDeps) {
    this.#deps = { now: Date.now, ...deps };
  }

  /** The pseudonym a customer id is stored under. */
  subjectOf(customerId: string): SubjectPseudonym {
    return this.#deps.pseudonymiser.of('subject', customerId) as SubjectPseudonym;
  }

  /**
   * Objection (GDPR Art. 21): the marker first (pseudonym and scope, no expiry: later events in
   * scope are never stored), then the subject's signals of the scope deleted from every profile.
   * A second objection widens the scope (`profiling` covers `browse_search`), never narrows it.
   */
  async object(customerId: string, scope: ObjectionScope): Promise<RightsReceipt> {
    const subject = this.subjectOf(customerId);
    const { store } = this.#deps;
    const current = (await store.controls([subject])).get(subject) ?? {};
    const widened = current.objection?.scope === 'profiling' ? 'profiling' : scope;
    await store.setControls(subject, { ...current, objection: { scope: widened, at: this.#deps.now() } });
    const counts = await store.forget(subject, controlledKinds({ objection: { scope: widened, at: 0 } }));
    return this.#receipt({ request: 'objection', subject, scope: widened, ...counts });
  }

  /**
   * Restriction (GDPR Art. 18): the marker first (later events are scored without profiles and
   * not stored), then every signal of the subject set aside, kept but out of every profile, so
   * that no rule can use it, until {@link liftRestriction}.
   */
  async restrict(customerId: string): Promise<RightsReceipt> {
    const subject = this.subjectOf(customerId);
    const { store } = this.#deps;
    const current = (await store.controls([subject])).get(subject) ?? {};
    await store.setControls(subject, { ...current, restriction: { at: this.#deps.now() } });
    const held = await store.observationsOf(subject, this.#deps.now());
    await store.setAside(subject, held);
    const counts = await store.forget(subject, SIGNAL_KINDS);
    return this.#receipt({ request: 'restriction', subject, ...counts });
  }

  /** Lifts a restriction: what was set aside (and has not expired) goes back to its profiles. */
  async liftRestriction(customerId: string): Promise<RightsReceipt> {
    const subject = this.subjectOf(customerId);
    const { store } = this.#deps;
    const nowS = this.#deps.now() / 1000;
    const held = (await store.heldAside(subject)).filter((h) => h.observation.expiresAt > nowS);
    const objected = controlledKinds({
      objection: (await store.controls([subject])).get(subject)?.objection,
    });
    const back = held.filter((h) => !objected.includes(h.observation.kind));
    await this.#deps.profiles.record(toWrites(back));
    await store.dropAside(subject);
    const { objection } = (await store.controls([subject])).get(subject) ?? {};
    await store.setControls(subject, objection ? { objection } : {});
    const events = groupEvents(back);
    return this.#receipt({
      request: 'lift-restriction',
      subject,
      observations: events,
      profiles: new Set(back.map((h) => h.key)).size,
    });
  }

  /**
   * Erasure (GDPR Art. 17): every signal in every profile, whatever was set aside, the alerts
   * about the subject and its dead letters. Kept: an objection marker (pseudonym and scope only),
   * because honouring the objection needs it, and this receipt (the request's own record, for
   * accountability); docs/privacy.md lists what else is kept and why.
   */
  async erase(customerId: string): Promise<RightsReceipt> {
    const subject = this.subjectOf(customerId);
    const { store, alerts, deadLetters } = this.#deps;
    const eventIds = await this.#eventIds(subject);
    const counts = await store.forget(subject, SIGNAL_KINDS);
    await store.dropAside(subject);
    const { objection } = (await store.controls([subject])).get(subject) ?? {};
    await store.setControls(subject, objection ? { objection } : {});
    const erasedAlerts = await alerts.eraseSubject(subject, eventIds);
    const erasedDeadLetters = await deadLetters.eraseSubject(subject, customerId);
    const erasedEntries = await this.#eraseEntries(subject);
    return this.#receipt({
      request: 'erasure',
      subject,
      ...counts,
      alerts: erasedAlerts,
      deadLetters: erasedDeadLetters,
      ...(erasedEntries === undefined ? {} : { listEntries: erasedEntries }),
    });
  }

  /** Access and portability (GDPR Art. 15 and 20): everything stored about the subject, in plain words. */
  async export(customerId: string): Promise<SubjectExport> {
    const subject = this.subjectOf(customerId);
    const { store, alerts } = this.#deps;
    const now = this.#deps.now();
    const [held, aside, controls, entries] = await Promise.all([
      store.observationsOf(subject, now),
      store.heldAside(subject),
      store.controls([subject]),
      this.#deps.lists?.lookup([{ kind: 'subject', entity: subject }], now),
    ]);
    const alertList = await alerts.ofSubject(subject, [
      ...new Set([...held, ...aside].map((h) => h.observation.eventId)),
    ]);
    const c: SubjectControls = controls.get(subject) ?? {};
    const signals = [
      ...signalsOf(held),
      ...signalsOf(aside.filter((h) => h.observation.expiresAt > now / 1000)).map((s) => ({
        ...s,
        restricted: true as const,
      })),
    ];
    return {
      subject,
      generatedAt: new Date(now).toISOString(),
      about: PLAIN_WORDS,
      signals,
      alerts: alertList,
      suppressions: c.objection
        ? [{ scope: c.objection.scope, since: new Date(c.objection.at).toISOString() }]
        : [],
      restrictions: c.restriction ? [{ since: new Date(c.restriction.at).toISOString() }] : [],
      ...(entries
        ? {
            listEntries: entries.map(({ list, reason, createdAt, expiresAt }) => ({
              list,
              reason,
              createdAt,
              expiresAt,
            })),
          }
        : {}),
    };
  }

  /** Removes the subject's allow and deny entries: how many there were (undefined without lists). */
  async #eraseEntries(subject: SubjectPseudonym): Promise<number | undefined> {
    const { lists } = this.#deps;
    if (!lists) return undefined;
    const now = this.#deps.now();
    const removed = await Promise.all(
      LIST_NAMES.map((list) => lists.remove(entryIdOf({ list, kind: 'subject', entity: subject }), now)),
    );
    return removed.filter((entry) => entry !== undefined).length;
  }

  /** The event ids of every signal of the subject, set aside or not, expired or not. */
  async #eventIds(subject: SubjectPseudonym): Promise<string[]> {
    const { store } = this.#deps;
    const [held, aside] = await Promise.all([store.observationsOf(subject, 0), store.heldAside(subject)]);
    return [...new Set([...held, ...aside].map((h) => h.observation.eventId))];
  }

  async #receipt(fields: Omit<RightsReceipt, 'requestId' | 'at' | 'status'>): Promise<RightsReceipt> {
    const receipt: RightsReceipt = {
      requestId: randomUUID(),
      at: new Date(this.#deps.now()).toISOString(),
      status: 'completed',
      ...fields,
    };
    await this.#deps.receipts.saveReceipt(receipt);
    return receipt;
  }
}

/** The held observations as the writes that put them back (no login counted again). */
function toWrites(held: readonly HeldObservation[]): ProfileWrite[] {
  const byEvent = new Map<string, ProfileWrite>();
  for (const { key, observation } of held) {
    const write = byEvent.get(observation.eventId) ?? { observation, keys: [] };
    write.keys.push(key);
    byEvent.set(observation.eventId, write);
  }
  return [...byEvent.values()];
}

/** Distinct events per signal kind. */
function groupEvents(held: readonly HeldObservation[]): Record<SignalKind, number> {
  const counts = { login: 0, browse: 0, search: 0, order: 0 };
  for (const { observation } of toWrites(held)) counts[observation.kind]++;
  return counts;
}

/** One signal per event, with every profile that holds it, oldest first. */
function signalsOf(held: readonly HeldObservation[]): SubjectExport['signals'] {
  return toWrites(held)
    .sort((a, b) => a.observation.at - b.observation.at)
    .map(({ observation: o, keys }) => {
      const { eventId, kind, at, expiresAt, ...facts } = o;
      return {
        kind,
        eventId,
        observedAt: new Date(at).toISOString(),
        expiresAt: new Date(expiresAt * 1000).toISOString(),
        heldIn: keys,
        facts,
      };
    });
}
