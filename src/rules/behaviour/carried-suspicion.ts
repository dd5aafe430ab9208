import type { EventFacts } from '../../shared/facts.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { type ProfileView, type RuleSettings, SOURCE_NAMES, defineRule, minutes } from '../rule.ts';

/** The entities a flag is carried by: the browser session, the device, the address. */
const CARRIERS = ['client', 'device', 'ip'] as const;
type Carrier = (typeof CARRIERS)[number];

/** The strongest earlier flag one entity carries to this event. */
interface Carried {
  carrier: Carrier;
  points: number;
  earlierScore: number;
  denied: boolean;
  secondsSince: number;
}

interface CarrySettings extends RuleSettings {
  clientShare: number;
  clientHalfLifeMinutes: number;
  clientWindowMinutes: number;
  deviceShare: number;
  deviceHalfLifeMinutes: number;
  deviceWindowMinutes: number;
  ipShare: number;
  ipHalfLifeMinutes: number;
  ipWindowMinutes: number;
  ipBusyEvents: number;
  scoreOffset: number;
  maxFromReview: number;
  deniedSessionPoints: number;
  deniedSessionMinutes: number;
}

/**
 * What follows a flagged event on the same browser session or device is most likely the same
 * actor: a taken-over account browsing to its address book, a bot's next page, the next fresh
 * account opened on a farm's emulated device. The earlier score is evidence in log-odds, so
 * the later event inherits a share of it (the chance it is the same actor: high for a session,
 * lower for a device a household may share), halving every half-life. Only what the earlier
 * score has above `scoreOffset` is shared: a score just over review is often an honest
 * customer's unusual login (a relay, a VPN), and what follows it is only a little likelier an
 * attacker's.
 *
 * A carried review stays under `maxFromReview`, so that an honest customer whose login merely
 * looked unusual (a traveller) does not have a whole visit flagged; a deny carries at least
 * `deniedSessionPoints` to its own session for `deniedSessionMinutes`. Neither the customer
 * (a stuffing victim shares it with the attacker) nor the network (an office NAT or a CGNAT
 * address is shared by hundreds) carries anything.
 */
export const carriedSuspicion = defineRule({
  code: 'CARRIED_SUSPICION',
  description: 'The same session or device had an event flagged shortly before',
  appliesTo: ['login', 'browse', 'order'],
  // A flag carried across a device or address is much of what the sharing rules read there (a
  // family's device flagged for its many accounts): of the two, only the stronger counts.
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 60,
    clientShare: 0.6,
    clientHalfLifeMinutes: 60,
    clientWindowMinutes: 240,
    deviceShare: 0.4,
    deviceHalfLifeMinutes: 360,
    deviceWindowMinutes: 1440,
    ipShare: 0.5,
    ipHalfLifeMinutes: 30,
    ipWindowMinutes: 60,
    ipBusyEvents: 100,
    scoreOffset: 25,
    maxFromReview: 30,
    deniedSessionPoints: 40,
    deniedSessionMinutes: 30,
  } satisfies CarrySettings,
  evaluate: (event, view, s) => {
    let best: Carried | undefined;
    for (const carrier of CARRIERS) {
      const carried = strongestCarry(carrier, event.at, view, s, idOf(event, carrier));
      if (carried && (!best || carried.points > best.points)) best = carried;
    }
    if (!best || best.points < 1) return undefined;
    const points = Math.min(s.points, Math.round(best.points));
    return {
      message: `this ${SOURCE_NAMES[best.carrier]} had an event ${best.denied ? 'denied' : 'flagged'} (score ${best.earlierScore}) ${best.secondsSince} s earlier`,
      evidence: {
        carrier: best.carrier,
        earlierScore: best.earlierScore,
        denied: best.denied,
        secondsSince: best.secondsSince,
      },
      points,
    };
  },
});

/** The largest share of an earlier flag on one entity within its window (undefined: none). */
function strongestCarry(
  carrier: Carrier,
  at: number,
  view: ProfileView,
  s: CarrySettings,
  id: Pseudonym | undefined,
): Carried | undefined {
  if (id === undefined) return undefined;
  const from = at - minutes(s[`${carrier}WindowMinutes`]);
  const history = view.observations(carrier, id);
  const busy = carrier === 'ip' ? s.ipBusyEvents : Infinity;
  let best: Carried | undefined;
  let seen = 0;
  let flagged = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const o = history[i]!;
    if (o.at < from) break;
    if (o.at > at) continue;
    // A busy address is a shared one (a NAT, a CGNAT address, a relay): it carries nothing.
    if (++seen > busy) return undefined;
    // Older flags fade more: once not even a full score that old could beat the best, stop
    // (the address walks its whole window, it needs its share of flagged traffic).
    if (best && carrier !== 'ip' && best.points >= ceiling(carrier, at - o.at, s)) break;
    if (o.flagScore === undefined) continue;
    flagged++;
    const points = carriedPoints(carrier, o.flagScore, o.denied === true, at - o.at, s);
    if (!best || points > best.points)
      best = {
        carrier,
        points,
        earlierScore: o.flagScore,
        denied: o.denied === true,
        secondsSince: Math.round((at - o.at) / 1000),
      };
  }
  // An address carries in proportion to how much of its recent traffic was flagged: a card
  // tester's few shared addresses, not an office NAT or CGNAT address with one flagged user.
  if (best && carrier === 'ip') best.points *= flagged / seen;
  return best;
}

const idOf = (event: EventFacts, carrier: Carrier): Pseudonym | undefined =>
  carrier === 'client' ? event.client : carrier === 'device' ? event.device : event.ip.id;

/** A share of the earlier score, halving every half-life; a review's bounded, a deny's floored on its session. */
function carriedPoints(
  carrier: Carrier,
  score: number,
  denied: boolean,
  ago: number,
  s: CarrySettings,
): number {
  const fade = 0.5 ** (ago / minutes(s[`${carrier}HalfLifeMinutes`]));
  const share = s[`${carrier}Share`] * Math.max(0, score - s.scoreOffset) * fade;
  if (!denied) return Math.min(s.maxFromReview, share);
  const floor = carrier === 'client' && ago <= minutes(s.deniedSessionMinutes) ? s.deniedSessionPoints : 0;
  return Math.max(floor, share);
}

/** The most any flag `ago` ms old could carry: a denied full score. */
const ceiling = (carrier: Carrier, ago: number, s: CarrySettings): number =>
  carriedPoints(carrier, 100, true, ago, s);
