import { decide } from '../rules/decide.ts';
import { type Decision } from '../shared/decision.ts';
import type { DetectionConfig } from '../rules/config.ts';
import { type ParseResult, parseEvent, parseEventLine } from '../shared/contract/events.ts';
import { toFacts } from './enrich.ts';
import type { EventFacts } from '../shared/facts.ts';
import { NO_PROFILES, profileFreeConfig } from '../rules/profile-free.ts';
import type { Reason } from '../shared/decision.ts';
import {
  type ProfileKey,
  type ProfileSnapshot,
  type SignalKind,
  type SubjectControls,
  controlledKinds,
} from '../shared/profile.ts';
import { observe, profileKeysOf, signalKindOf } from './observe.ts';
import type { ProfileStore } from '../shared/ports/profiles.ts';
import type { DecisionLog } from '../shared/ports/decisions.ts';
import { readsShopWide } from '../rules/shop-wide.ts';
import { isStart } from '../rules/browse-waves.ts';
import { ProfileView } from '../rules/rule.ts';
import type { Pseudonymiser } from '../shared/pseudonymise.ts';
import type { EntityListReader, ListEntry } from '../shared/ports/entity-lists.ts';
import { applyListEntries } from '../rules/lists.ts';
import { listedEntitiesOf, usableEntries } from './lists.ts';

/** How long a decision is remembered for duplicate deliveries (Kinesis keeps records up to 7 days; 365 at most). */
export const DECISION_MEMORY_DAYS = 8;

/** Why an input was rejected: the field, and a reason that names it without quoting any value. */
export type Invalid = { kind: 'invalid'; eventId?: string; field: string; error: string };

/** The result of one input: a decision (maybe a repeated one) or the reason it was rejected. */
export type ProcessResult = { kind: 'decision'; decision: Decision; duplicate: boolean } | Invalid;

/**
 * The result of one input on the read-only path: a fresh decision or the reason it was rejected.
 * `unread` is why the stored profiles could not be read (the store failed, or the caller's bound
 * on the read gave up): the decision then comes from the rules that need no profile.
 */
export type Assessment = { kind: 'decision'; decision: Decision; unread?: Error } | Invalid;

/** What the read-only path needs of the profile store: it only ever loads. */
export type ProfileReader = Pick<ProfileStore, 'load'>;

export interface ReadOnlyDetectorDeps {
  store: ProfileReader;
  pseudonymiser: Pseudonymiser;
  config: DetectionConfig;
  /**
   * The analysts' allow and deny entries, read with the profiles (and failing as their read
   * fails). Entries expire by the processing clock. Default: none.
   */
  lists?: EntityListReader;
  /** The processing clock: it rejects events from the future and expires list entries. */
  now?: () => number;
}

export interface DetectorDeps extends ReadOnlyDetectorDeps {
  store: ProfileStore;
  /** The decisions already given, by which a redelivered event is answered as a duplicate. */
  decisions: DecisionLog;
  /**
   * Called with the facts of each newly decided event (not for duplicates), after its signals
   * were recorded: the stream consumer writes alerts from it (pseudonymous subject and entities).
   */
  onDecided?: (facts: EventFacts, decision: Decision) => void;
}

export interface AssessOptions {
  /**
   * Wraps the read of the profiles and list entries, e.g. to bound it by a time budget. What it
   * rejects with is returned as `unread`, and the event is decided on the rules that need no profile.
   */
  read?: <T>(reading: Promise<T>) => Promise<T>;
}

const NO_ENTRIES: readonly ListEntry[] = [];

/** What the detection reads for an event: its profiles and its entities' list entries. */
interface Loaded {
  snapshot: ProfileSnapshot;
  entries: readonly ListEntry[];
}

/** A detector that only reads: see {@link Detector.readOnly}. */
export type ReadOnlyDetector = Pick<Detector, 'assess' | 'rulesetVersion'>;

/**
 * The ONE detection path for an event, the same for replay, the stream consumer and the score
 * endpoint: validate, pseudonymise, load the profiles it touches (with the subject's controls),
 * check the subject's objection or restriction, run the rules, decide. `process` then writes
 * its signals and its decision; `assess` (the score endpoint's read-only mode) writes nothing.
 *
 * @example
 * ```ts
 * const detector = new Detector({ store: new InMemoryProfileStore(), decisions: new InMemoryDecisionLog(), pseudonymiser, config });
 * const verdict = await detector.processLine(line); // or detector.process(object)
 * const answer = await Detector.readOnly({ store, pseudonymiser, config }).assess(order); // writes nothing
 * ```
 */
export class Detector {
  readonly #deps: Required<Omit<DetectorDeps, 'lists'>> & Pick<DetectorDeps, 'lists'>;

  constructor(deps: DetectorDeps) {
    this.#deps = {
      ...deps,
      now: deps.now ?? Date.now,
      onDecided: deps.onDecided ?? (() => {}),
    };
  }

  /**
   * A detector over a store it can only read: `assess` is all it offers, and its store refuses
   * every write, so the read-only mode cannot start writing unnoticed.
   */
  static readOnly(deps: ReadOnlyDetectorDeps): ReadOnlyDetector {
    return new Detector({ ...deps, store: refusingWrites(deps.store), decisions: REFUSING_DECISIONS });
  }

  /** The ruleset version every decision of this detector carries. */
  get rulesetVersion(): string {
    return this.#deps.config.rulesetVersion;
  }

  /** One event as a parsed JSON value (a Kinesis record's data, an API request body). */
  process(input: unknown): Promise<ProcessResult> {
    return this.#handle(parseEvent(input, this.#deps.now()));
  }

  /** One event as a line of NDJSON text. */
  processLine(line: string): Promise<ProcessResult> {
    return this.#handle(parseEventLine(line, this.#deps.now()));
  }

  /**
   * The read-only mode: the same detection as `process`, the subject's controls included, without
   * recording the event's signals, saving its decision or calling `onDecided`.
   *
   * An event decided already (by the stream) is decided again, fresh, rather than answered with
   * the stored decision: the answer is always about the event given, not about whatever is stored
   * under an id the caller chose; a later objection or restriction applies; and it costs no extra
   * read within the caller's budget. It is the stream's decision all the same while the profiles
   * stand: the rules see only what happened before the event, never the event itself.
   */
  async assess(input: unknown, options: AssessOptions = {}): Promise<Assessment> {
    const parsed = parseEvent(input, this.#deps.now());
    if (!parsed.ok) return invalid(parsed);
    const facts = this.#factsOf(parsed);
    const reading = this.#load(facts, profileKeysOf(facts));
    let loaded: Loaded;
    try {
      loaded = await (options.read ? options.read(reading) : reading);
    } catch (error) {
      const unread = error instanceof Error ? error : new Error(String(error));
      return { kind: 'decision', decision: this.#profileFree(facts), unread };
    }
    return { kind: 'decision', decision: this.#decideOn(facts, loaded).decision };
  }

  async #handle(parsed: ParseResult): Promise<ProcessResult> {
    if (!parsed.ok) return invalid(parsed);
    const { store, decisions, config, now, onDecided } = this.#deps;
    const previous = await decisions.findDecision(parsed.event.eventId);
    if (previous) return { kind: 'decision', decision: previous, duplicate: true };

    const facts = this.#factsOf(parsed);
    const keys = profileKeysOf(facts);
    const loaded = await this.#load(facts, keys);
    const { decision, profiled } = this.#decideOn(facts, loaded);
    const start = facts.browse !== undefined && isStart(facts, new ProfileView(loaded.snapshot, facts));
    if (profiled) await store.record([observe(facts, decision, config, keys, start)]);
    // Deliveries repeat in processing time, whatever the event's own time.
    await decisions.saveDecision(decision, Math.floor(now() / 1000) + DECISION_MEMORY_DAYS * 86_400);
    onDecided(facts, decision);
    return { kind: 'decision', decision, duplicate: false };
  }

  #factsOf(parsed: Extract<ParseResult, { ok: true }>): EventFacts {
    return toFacts(parsed.event, parsed.occurredAtMs, this.#deps.pseudonymiser, this.#deps.config.clients);
  }

  /**
   * The profiles and the list entries, read side by side: the slower of the two sets the time.
   * Without lists (replay, evaluation) the profile read is all: nothing is spent per event on them.
   */
  async #load(facts: EventFacts, keys: readonly ProfileKey[]): Promise<Loaded> {
    const { store, lists, now } = this.#deps;
    const reading = store.load(keys, facts.at, { shopWide: readsShopWide(facts.type) });
    if (!lists) return { snapshot: await reading, entries: NO_ENTRIES };
    const [snapshot, entries] = await Promise.all([reading, lists.lookup(listedEntitiesOf(facts), now())]);
    return { snapshot, entries };
  }

  /**
   * The subject's controls, then the rules: on the loaded profiles, or, when the subject's
   * objection or restriction covers the event's kind, on none (`profiled` false: nothing may be
   * stored of it either). The list entries apply to either decision (src/rules/lists.ts), except,
   * under a restriction, those about the customer themselves (`usableEntries`).
   */
  #decideOn(facts: EventFacts, { snapshot, entries }: Loaded): { decision: Decision; profiled: boolean } {
    const controls = facts.subject ? snapshot.controls?.get(facts.subject) : undefined;
    const kind = signalKindOf(facts);
    if (!controlledKinds(controls).includes(kind)) {
      const decision = decide(facts, snapshot, this.#deps.config);
      return { decision: applyListEntries(decision, entries), profiled: true };
    }
    // Forget, and keep forgetting: scored on what needs no profile, and nothing is stored.
    const decision = this.#profileFree(facts);
    decision.reasons.push(suppressedReason(controls!, kind));
    return { decision: applyListEntries(decision, usableEntries(entries, facts, controls)), profiled: false };
  }

  /** The decision of the rules that need no stored profile. */
  #profileFree(facts: EventFacts): Decision {
    return decide(facts, NO_PROFILES, profileFreeConfig(this.#deps.config));
  }
}

function invalid({ eventId, field, error }: Extract<ParseResult, { ok: false }>): Invalid {
  return eventId === undefined
    ? { kind: 'invalid', field, error }
    : { kind: 'invalid', eventId, field, error };
}

const refuse = () => Promise.reject(new Error('read-only detector: the profile store is only read'));

/** The reader as a ProfileStore whose every other method refuses (see {@link Detector.readOnly}). */
function refusingWrites(reader: ProfileReader): ProfileStore {
  return { load: (keys, at, options) => reader.load(keys, at, options), record: refuse };
}

/** The decision log of the read-only detector: it never asks for one (see {@link Detector.assess}). */
const REFUSING_DECISIONS: DecisionLog = {
  findDecision: refuse,
  saveDecision: refuse,
  findDecisions: refuse,
  saveDecisions: refuse,
};

/**
 * The zero-point reason on the decision of an event that its subject's objection or restriction
 * keeps out of profiling: the analyst sees why the usual history rules are missing.
 */
function suppressedReason(controls: SubjectControls, kind: SignalKind): Reason {
  const basis = controls.restriction ? 'restriction' : 'objection';
  const scope = controls.restriction ? 'profiling' : controls.objection!.scope;
  return {
    code: 'PROFILING_SUPPRESSED',
    points: 0,
    message: `the customer's ${basis} (${scope}) keeps this ${kind} out of profiling: scored on the rules that need no stored profile, nothing stored`,
    evidence: { basis, scope },
  };
}
