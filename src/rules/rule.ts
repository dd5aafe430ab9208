import type { EventType } from '../shared/contract/events.ts';
import type { EventFacts } from '../shared/facts.ts';
import type { Observation, Profile, ProfileKind, ProfileSnapshot } from '../shared/profile.ts';
import { emptyProfile, profileKey } from '../shared/profile.ts';
import type { Pseudonym } from '../shared/pseudonymise.ts';
import type { Evidence, ReasonCode } from '../shared/decision.ts';

const NO_PROFILE = emptyProfile('subject#');

/** Every rule has points, may be disabled or shadowed, and has numeric parameters of its own. */
export interface RuleSettings {
  enabled: boolean;
  shadow: boolean;
  points: number;
  [param: string]: number | boolean;
}

/** What a rule found: a message, its evidence, and optionally points other than its configured ones. */
export interface Finding {
  message: string;
  evidence: Evidence;
  /** Points for this firing when they scale with the evidence; defaults to the rule's `points`. */
  points?: number;
}

/**
 * The read-only view of the stored state that a rule evaluates against. It
 * never reads a clock: windows are measured back from the event's own time.
 */
export class ProfileView {
  /** The last profile looked up per kind: every rule asks for the same few, so each key is built once. */
  readonly #recent = new Map<ProfileKind, { id: Pseudonym; profile: Profile }>();
  /** The values derived for the last event asked about (see {@link ProfileView.derived}). */
  #derived?: { event: EventFacts; values: Map<string, unknown> };

  /**
   * @param asOf the event being scored. Only what happened before it is visible: observations
   * from later (or the same millisecond with a greater eventId), and the event itself, are left
   * out. In time order nothing is left out; but a batch redelivered after a crash finds its own
   * and its later events' observations stored already, and must decide exactly as the first time.
   */
  constructor(
    private readonly snapshot: ProfileSnapshot,
    private readonly asOf?: { at: number; eventId: string },
  ) {}

  /** The profile of an entity; empty when it has none (yet). */
  profile(kind: ProfileKind, id: Pseudonym | undefined): Profile {
    if (id === undefined) return NO_PROFILE;
    const recent = this.#recent.get(kind);
    if (recent?.id === id) return recent.profile;
    const key = profileKey(kind, id);
    const profile = before(this.snapshot.profiles.get(key) ?? emptyProfile(key), this.asOf);
    this.#recent.set(kind, { id, profile });
    return profile;
  }

  /** The observations of an entity's profile (oldest first). */
  observations(kind: ProfileKind, id: Pseudonym | undefined): readonly Observation[] {
    return this.profile(kind, id).observations;
  }

  /**
   * A value that several rules derive from the same event and state (the shop-wide tallies a
   * login falls in), computed once per event. `name` must say everything else it depends on
   * (the settings it was computed with).
   */
  derived<T>(event: EventFacts, name: string, compute: () => T): T {
    if (this.#derived?.event !== event) this.#derived = { event, values: new Map() };
    const values = this.#derived.values;
    if (!values.has(name)) values.set(name, compute());
    return values.get(name) as T;
  }

  /** The shop-wide counters: only for the rules listed in SHOP_WIDE_RULES (`shop-wide.ts`). */
  get global(): NonNullable<ProfileSnapshot['global']> {
    const global = this.snapshot.global;
    if (!global) throw new Error('shop-wide counters read, but not loaded: list the rule in SHOP_WIDE_RULES');
    return global;
  }
}

/** The profile as it was before the event `asOf` (see {@link ProfileView}). */
function before(profile: Profile, asOf: { at: number; eventId: string } | undefined): Profile {
  const last = profile.observations.at(-1);
  if (!asOf || !last || last.at < asOf.at) return profile;
  const { at, eventId } = asOf;
  const observations = profile.observations.filter((o) => o.at < at || (o.at === at && o.eventId < eventId));
  return { key: profile.key, observations };
}

/**
 * A detection rule: a pure function of (event, profile snapshot, settings).
 *
 * @example
 * ```ts
 * export const hostingNetwork = defineRule({
 *   code: 'HOSTING_NETWORK',
 *   description: 'Client address belongs to a hosting or cloud provider',
 *   appliesTo: ['login', 'browse', 'order'],
 *   defaults: { enabled: true, shadow: false, points: 10 },
 *   evaluate: (event) => event.hosting && { message: `address in ${event.hosting.name}`, evidence: {} },
 * });
 * ```
 */
export interface Rule<S extends RuleSettings = RuleSettings> {
  readonly code: ReasonCode;
  /** One line, for the rule catalogue and the analysts. */
  readonly description: string;
  readonly appliesTo: readonly EventType[];
  /**
   * Rules that read the same evidence (the same failed logins, the same unfamiliar login) share a
   * group: points are log-odds, which add up only for independent evidence, so of a group only
   * the strongest firing adds its points and the others are reported `within` it.
   */
  readonly group?: EvidenceGroup;
  readonly defaults: S;
  evaluate(event: EventFacts, view: ProfileView, settings: S): Finding | undefined | false;
}

/** The kinds of evidence that several rules read. */
export type EvidenceGroup =
  'login-failures' | 'unfamiliar-login' | 'shared-source' | 'order-burst' | 'order-value' | 'automation';

/** Declares a rule with its typed settings (identity at run time; it keeps the types honest). */
export const defineRule = <S extends RuleSettings>(rule: Rule<S>): Rule<S> => rule;

/** An entity a rule looks across: its profile kind, and this event's pseudonym for it (if it has one). */
export type Source = readonly [kind: ProfileKind, id: Pseudonym | undefined];

/** How a message names each kind of source. */
export const SOURCE_NAMES: Readonly<Record<ProfileKind, string>> = {
  subject: 'customer',
  username: 'account',
  ip: 'address',
  network: 'network',
  device: 'device',
  client: 'session',
  userAgent: 'user agent',
  payment: 'payment instrument',
  address: 'shipping address',
};

/**
 * The first finding over the sources the event has, in the order given (most
 * specific first): the shape of every "many X from one Y" rule.
 *
 * @example
 * ```ts
 * firstFinding([['subject', event.subject], ['device', event.device]], (kind, id) => countFrom(kind, id));
 * ```
 */
export function firstFinding(
  sources: readonly Source[],
  find: (kind: ProfileKind, id: Pseudonym) => Finding | undefined,
): Finding | undefined {
  for (const [kind, id] of sources) {
    const finding = id === undefined ? undefined : find(kind, id);
    if (finding) return finding;
  }
  return undefined;
}

/** Minutes to milliseconds. */
export const minutes = (n: number): number => n * 60_000;
