import { type Decision, decide } from '../rules/decide.ts';
import type { DetectionConfig } from './config.ts';
import { type ParseResult, parseEvent, parseEventLine } from './contract/events.ts';
import { toFacts } from './enrich.ts';
import type { EventFacts } from './facts.ts';
import { NO_PROFILES, profileFreeConfig } from '../rules/profile-free.ts';
import type { Reason } from '../rules/rule.ts';
import { type SignalKind, type SubjectControls, controlledKinds } from './profile/model.ts';
import { observe, profileKeysOf, signalKindOf } from './profile/observe.ts';
import type { ProfileStore } from './profile/store.ts';
import { readsShopWide } from '../rules/shop-wide.ts';
import type { Pseudonymiser } from './pseudonymise.ts';

/** How long a decision is remembered for duplicate deliveries (Kinesis keeps records up to 7 days; 365 at most). */
export const DECISION_MEMORY_DAYS = 8;

/** The result of one input: a decision (maybe a repeated one) or the reason it was rejected. */
export type Verdict =
  | { kind: 'decision'; decision: Decision; duplicate: boolean }
  | { kind: 'invalid'; eventId?: string; field: string; error: string };

export interface DetectorDeps {
  store: ProfileStore;
  pseudonymiser: Pseudonymiser;
  config: DetectionConfig;
  /** The processing clock, only used to reject events from the future. */
  now?: () => number;
  /**
   * Called with the facts of each newly decided event (not for duplicates), after its signals
   * were recorded: the stream consumer writes alerts from it (pseudonymous subject and entities).
   */
  onDecided?: (facts: EventFacts, decision: Decision) => void;
}

/**
 * The detection pipeline for one event, the same for replay, the stream
 * consumer and the score endpoint: validate, pseudonymise, load the profiles
 * it touches, run the rules, decide, then write its signals.
 *
 * @example
 * ```ts
 * const detector = new Detector({ store: new InMemoryProfileStore(), pseudonymiser, config: resolveConfig() });
 * const verdict = await detector.processLine(line); // or detector.process(object)
 * ```
 */
export class Detector {
  readonly #deps: Required<DetectorDeps>;

  constructor(deps: DetectorDeps) {
    this.#deps = { now: Date.now, onDecided: () => {}, ...deps };
  }

  /** The ruleset version every decision of this detector carries. */
  get rulesetVersion(): string {
    return this.#deps.config.rulesetVersion;
  }

  /** One event as a parsed JSON value (a Kinesis record's data, an API request body). */
  process(input: unknown): Promise<Verdict> {
    return this.#handle(parseEvent(input, this.#deps.now()));
  }

  /** One event as a line of NDJSON text. */
  processLine(line: string): Promise<Verdict> {
    return this.#handle(parseEventLine(line, this.#deps.now()));
  }

  async #handle(parsed: ParseResult): Promise<Verdict> {
    const { store, pseudonymiser, config, now, onDecided } = this.#deps;
    if (!parsed.ok) {
      const { eventId, field, error } = parsed;
      return eventId === undefined
        ? { kind: 'invalid', field, error }
        : { kind: 'invalid', eventId, field, error };
    }
    const previous = await store.findDecision(parsed.event.eventId);
    if (previous) return { kind: 'decision', decision: previous, duplicate: true };

    const facts = toFacts(parsed.event, parsed.occurredAtMs, pseudonymiser);
    const keys = profileKeysOf(facts);
    const snapshot = await store.load(keys, facts.at, { shopWide: readsShopWide(facts.type) });
    const controls = facts.subject ? snapshot.controls?.get(facts.subject) : undefined;
    const kind = signalKindOf(facts);
    let decision: Decision;
    if (controlledKinds(controls).includes(kind)) {
      // Forget, and keep forgetting: scored on what needs no profile, and nothing is stored.
      decision = decide(facts, NO_PROFILES, profileFreeConfig(config));
      decision.reasons.push(suppressedReason(controls!, kind));
    } else {
      decision = decide(facts, snapshot, config);
      await store.record([observe(facts, decision, config, keys)]);
    }
    // Deliveries repeat in processing time, whatever the event's own time.
    await store.saveDecision(decision, Math.floor(now() / 1000) + DECISION_MEMORY_DAYS * 86_400);
    onDecided(facts, decision);
    return { kind: 'decision', decision, duplicate: false };
  }
}

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
