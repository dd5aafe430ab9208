import type { Decision } from '../shared/decision.ts';
import type { DetectionConfig } from '../rules/config.ts';
import { ringSession } from '../rules/behaviour/ring-session.ts';
import { carriedSuspicion } from '../rules/behaviour/carried-suspicion.ts';
import { addressChangeAfterSignIn } from '../rules/behaviour/address-change-after-sign-in.ts';
import { sessionReplay } from '../rules/behaviour/session-replay.ts';
import { RULES } from '../rules/index.ts';
import type { EventFacts } from '../shared/facts.ts';
import type { Pseudonym } from '../shared/pseudonymise.ts';
import {
  type Observation,
  type ProfileKey,
  type ProfileKind,
  type SignalKind,
  profileKey,
} from '../shared/profile.ts';
import type { ProfileWrite } from '../shared/profile.ts';
import { type BrowseCount, cellOf } from '../shared/browse-waves.ts';

const DAY_S = 86_400;

/**
 * The rules that link an account to other accounts (a shared device, card, delivery or client
 * address). Not the rules that carry an earlier event's evidence forward (RING_SESSION,
 * CARRIED_SUSPICION, ADDRESS_CHANGE_AFTER_SIGN_IN, SESSION_REPLAY), though they share the group: a carried flag
 * marking the session again would keep it a ring's for as long as it goes on.
 */
const CARRIERS: ReadonlySet<string> = new Set([
  ringSession.code,
  carriedSuspicion.code,
  addressChangeAfterSignIn.code,
  sessionReplay.code,
]);
/** The rules that weigh how unfamiliar a login is (one of them counts: they share a group). */
const UNFAMILIAR_CODES: ReadonlySet<string> = new Set(
  RULES.filter((rule) => rule.group === 'unfamiliar-login').map((rule) => rule.code),
);
const LINK_CODES: ReadonlySet<string> = new Set(
  RULES.filter((rule) => rule.group === 'shared-source' && !CARRIERS.has(rule.code)).map((rule) => rule.code),
);

/**
 * Whether a link to other accounts was strong enough on its own (the strongest of the group keeps
 * its points) to mark the session as a ring's: what follows in it inherits (RING_SESSION). The bar
 * is RING_SESSION's `minLinkPoints`, not the review threshold, so that a shop lowering its
 * threshold does not pass a household's weaker link (a shared laptop) on to whole visits.
 */
const linkedToRing = (decision: Decision, config: DetectionConfig): boolean => {
  const settings = (config.rules[ringSession.code] ?? ringSession.defaults) as typeof ringSession.defaults;
  const bar = settings.minLinkPoints;
  return decision.reasons.some((r) => !r.shadow && LINK_CODES.has(r.code) && r.points >= bar);
};

/** The points a login's unfamiliar-login reasons added (shadow reasons add none). */
const unfamiliarity = (decision: Decision): number =>
  decision.reasons.reduce((sum, r) => (UNFAMILIAR_CODES.has(r.code) ? sum + r.points : sum), 0);

/** The signal kind an event is stored as; it decides retention and objection scope. */
export const signalKindOf = (facts: EventFacts): SignalKind =>
  facts.type === 'browse' ? (facts.browse!.search ? 'search' : 'browse') : facts.type;

/**
 * The profiles an event is scored against and written to. Browsing is kept
 * per subject, address and client only (what the bot and travel rules need);
 * logins and orders also go to the network, device, user agent and payment
 * profiles that the sharing rules look across.
 */
export function profileKeysOf(facts: EventFacts): ProfileKey[] {
  const keys: ProfileKey[] = [];
  add(keys, 'subject', facts.subject);
  add(keys, 'ip', facts.ip.id);
  add(keys, 'client', facts.client);
  if (facts.type === 'browse') return keys;
  add(keys, 'network', facts.ip.network);
  add(keys, 'device', facts.device);
  add(keys, 'userAgent', facts.userAgent?.id);
  add(keys, 'username', facts.username);
  add(keys, 'payment', facts.order?.payment);
  add(keys, 'address', facts.order?.address);
  return keys;
}

/**
 * Adds the key of a profile the event has an id for. A module-level function rather than a
 * closure made per event: tsx compiles with esbuild's `keepNames`, which names every such
 * closure with a property definition each time it is made (esbuild.github.io/api/#keep-names).
 */
function add(keys: ProfileKey[], kind: ProfileKind, id: Pseudonym | undefined): void {
  if (id) keys.push(profileKey(kind, id));
}

/**
 * The "write signals" step: the pseudonymous observation kept for an event,
 * with its expiry from the retention of its kind, counted from event time, and what it adds to
 * the shop-wide counters (`start`: a page view is its client's first request).
 *
 * @example
 * ```ts
 * const write = observe(facts, decision, config);
 * write.observation.expiresAt; // epoch seconds, occurredAt + 90 days for a login
 * ```
 */
export function observe(
  facts: EventFacts,
  decision: Decision,
  config: DetectionConfig,
  keys: ProfileKey[] = profileKeysOf(facts),
  start = false,
): ProfileWrite {
  const kind = signalKindOf(facts);
  const o: Observation = {
    eventId: facts.eventId,
    kind,
    at: facts.at,
    expiresAt: Math.floor(facts.at / 1000) + Math.round(config.retentionDays[kind] * DAY_S),
    ip: facts.ip.id,
    network: facts.ip.network,
  };
  if (facts.subject) o.subject = facts.subject;
  if (facts.username) o.username = facts.username;
  if (facts.device) o.device = facts.device;
  if (facts.userAgent) o.userAgent = facts.userAgent.id;
  if (facts.geo) {
    o.country = facts.geo.country;
    o.lat = facts.geo.lat;
    o.lon = facts.geo.lon;
    o.accuracyKm = facts.geo.accuracyKm;
  }
  if (facts.hosting) o.hosting = true;
  if (facts.sessionless) o.sessionless = true;
  if (decision.decision !== 'allow') o.flagScore = decision.score;
  if (decision.decision === 'deny') o.denied = true;
  if (linkedToRing(decision, config)) o.ring = true;
  if (facts.login) {
    o.outcome = facts.login.outcome;
    if (facts.login.outcome === 'success') {
      const unfamiliar = unfamiliarity(decision);
      if (unfamiliar > 0) o.unfamiliar = unfamiliar;
    }
    if (facts.login.failureReason) o.failureReason = facts.login.failureReason;
    if (facts.login.method) o.method = facts.login.method;
  }
  if (facts.browse?.probe) o.probe = true;
  if (facts.order) {
    o.amountMinor = facts.order.amountMinor;
    if (facts.order.payment) o.payment = facts.order.payment;
    if (facts.order.address) o.address = facts.order.address;
    if (facts.order.accountAgeDays !== undefined) o.accountAgeDays = facts.order.accountAgeDays;
  }
  const write: ProfileWrite = { observation: o, keys };
  if (facts.login) {
    write.login = { outcome: facts.login.outcome, unknownUser: facts.login.failureReason === 'unknown_user' };
    if (facts.geo) write.login.country = facts.geo.country;
    if (facts.login.method) write.login.method = facts.login.method;
    if (facts.ip.asn !== undefined) write.login.asn = facts.ip.asn;
    if (facts.userAgent) write.login.agent = facts.userAgent.family;
  }
  if (facts.browse) write.browse = browseCountOf(facts, start);
  return write;
}

/** What a page view adds to the browse counters: a start is an anonymous client's first request. */
function browseCountOf(facts: EventFacts, start: boolean): BrowseCount {
  const cell = cellOf(facts.device !== undefined, !facts.sessionless, facts.browse!.kind === 'product');
  const count: BrowseCount = { start: start && !facts.subject, cell };
  if (facts.userAgent) count.agent = facts.userAgent.family;
  return count;
}
