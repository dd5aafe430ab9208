import { isbot } from 'isbot';
import { autonomousSystem } from '../shared/asn.ts';
import { TwoGenerationCache } from '../shared/cache.ts';
import type { VigilEvent } from '../shared/contract/events.ts';
import type { EventFacts } from '../shared/facts.ts';
import { type KnownClients, matchKnownClient } from '../rules/known-clients.ts';
import { type GeoFacts, locate } from '../shared/geo.ts';
import { agentFamily } from '../shared/login-waves.ts';
import { type ClientIp, parseClientIp } from '../shared/ip.ts';
import { type NetworkOwner, hostingNetwork, verifiedCrawler } from '../shared/networks.ts';
import type { Pseudonymiser } from '../shared/pseudonymise.ts';
import { isProbePath } from '../shared/probe-paths.ts';
import { addressBookStep } from '../shared/account-paths.ts';
import { usernameKey } from '../shared/entity-values.ts';

const DAY_MS = 86_400_000;

/** What an address says by itself: its parsed form, its autonomous system, place and hosting network. */
interface AddressFacts {
  ip: ClientIp;
  asn: number | undefined;
  geo: GeoFacts | undefined;
  hosting: NetworkOwner | undefined;
}

/**
 * A client sends many requests from one address: what the address says is kept per address text,
 * for the parse and the three range look-ups of each event. It holds no pseudonym (those stay
 * with the Pseudonymiser and its key), and only this process's memory ever sees it.
 */
const addresses = new TwoGenerationCache<string, AddressFacts>(20_000);

function addressFacts(text: string): AddressFacts {
  const known = addresses.get(text);
  if (known) return known;
  // The schema has already checked the address; an unparseable one cannot reach this point.
  const ip = parseClientIp(text)!;
  return addresses.set(text, { ip, asn: autonomousSystem(ip), geo: locate(ip), hosting: hostingNetwork(ip) });
}
/** User agents repeat across events: their classification is kept. */
const uaClasses = new TwoGenerationCache<
  string,
  { bot: boolean; declared: boolean; crawlerOperator: string | undefined; family: string }
>(5_000);
const classify = (ua: string) =>
  uaClasses.get(ua) ??
  uaClasses.set(ua, {
    bot: isbot(ua),
    declared: declaresRobot(ua),
    crawlerOperator: claimedOperator(ua),
    family: agentFamily(ua),
  });

/**
 * A robot that names itself and says where to reach its operator, as crawlers are asked to
 * (`ExampleBot/2.1; +https://example.com/bot`, RFC 9309 §2.2.1 on product tokens): a name
 * ending in bot, crawler or spider with a version, and a contact URL or address. A framework's
 * default (`Scrapy/2.11 (+https://scrapy.org)`) names no robot of its own and does not count.
 */
const DECLARED_NAME = /[a-z0-9](bot|crawler|spider)\/\d/i;
const CONTACT = /https?:\/\/|@[a-z0-9-]+\./i;
const declaresRobot = (ua: string): boolean => DECLARED_NAME.test(ua) && CONTACT.test(ua);

/**
 * The search-engine crawlers we can verify, by the user-agent tokens their
 * operators document and the owners (data/crawler-networks.json) whose ranges
 * count for them. An address only verifies the operator it belongs to: a
 * "bingbot" from Google's network, or anything from Google's user-triggered
 * fetchers that does not claim to be Google, is not a verified crawler.
 */
const CRAWLER_OPERATORS = [
  {
    operator: 'google',
    claim: /googlebot|google-inspectiontool|googleother|storebot-google/i,
    owners: /^google/,
  },
  { operator: 'bing', claim: /bingbot|adidxbot|bingpreview/i, owners: /^bingbot$/ },
] as const;

function claimedOperator(ua: string): string | undefined {
  return CRAWLER_OPERATORS.find((c) => c.claim.test(ua))?.operator;
}

/**
 * Marks a client on the shop's allow-lists: an app entry by its user agent; a declared crawler
 * only from inside its ranges, and from outside them as a claim (FAKE_CRAWLER's business).
 */
function allowListed(facts: EventFacts, clients: KnownClients, ua: string, address: string): void {
  const match = matchKnownClient(clients, ua, address, facts.ip.version);
  if (!match) return;
  if (match.list === 'crawlers') {
    facts.userAgent!.claimsCrawler = true;
    if (!match.verified) return;
    facts.crawler = { kind: 'crawler', name: match.name };
  }
  facts.knownClient = { list: match.list, name: match.name };
}

/**
 * The "pseudonymise" step of the pipeline: turns a valid event into the facts
 * the rules see. Every raw identifier is replaced by its keyed pseudonym here
 * and goes no further; the IP address is reduced to pseudonyms of itself and
 * of its network, its coarse location and what kind of network it is in.
 *
 * @example
 * ```ts
 * const facts = toFacts(event, Date.parse(event.occurredAt), pseudonymiser, config.clients);
 * facts.ip.id; // 'v1:…'
 * ```
 */
export function toFacts(event: VigilEvent, at: number, p: Pseudonymiser, clients: KnownClients): EventFacts {
  const { ip, asn, geo, hosting } = addressFacts(event.ip);
  const ua = event.userAgent;
  const facts: EventFacts = {
    eventId: event.eventId,
    type: event.type,
    at,
    ip: {
      id: p.of('ip', ip.address),
      network: p.of('network', ip.network),
      version: ip.version,
      range: ip.range,
    },
    client: event.sessionId
      ? p.of('session', event.sessionId)
      : p.of('session', `ip-ua|${ip.address}|${ua ?? ''}`),
  };
  if (asn !== undefined) facts.ip.asn = asn;
  if (geo) facts.geo = geo;
  if (hosting) facts.hosting = hosting;
  const claimed = ua ? classify(ua).crawlerOperator : undefined;
  const owner = claimed ? verifiedCrawler(ip) : undefined;
  if (owner && CRAWLER_OPERATORS.some((c) => c.operator === claimed && c.owners.test(owner.name))) {
    facts.crawler = owner;
    facts.knownClient = { list: 'crawlers', name: owner.name };
  }
  if (!event.sessionId) facts.sessionless = true;
  if (event.customerId) facts.subject = p.of('subject', event.customerId);
  if (event.deviceId) facts.device = p.of('device', event.deviceId);
  if (ua) {
    const { bot, declared, crawlerOperator, family } = classify(ua);
    facts.userAgent = {
      id: p.of('userAgent', ua),
      bot,
      claimsCrawler: crawlerOperator !== undefined,
      family,
    };
    if (bot && declared) facts.userAgent.declaredRobot = true;
    if (!facts.crawler) allowListed(facts, clients, ua, ip.address);
  }

  switch (event.type) {
    case 'login':
      facts.username = p.of('username', usernameKey(event.login.username));
      facts.login = { outcome: event.login.outcome };
      if (event.login.failureReason) facts.login.failureReason = event.login.failureReason;
      if (event.login.method) facts.login.method = event.login.method;
      break;
    case 'browse':
      facts.browse = {
        search: event.browse.kind === 'search' || event.browse.searchQuery !== undefined,
      };
      if (event.browse.kind) facts.browse.kind = event.browse.kind;
      if (isProbePath(event.browse.path)) facts.browse.probe = true;
      else if (event.browse.kind !== 'checkout') {
        const step = addressBookStep(event.browse.path);
        if (step) facts.browse.addressBook = step;
      }
      break;
    case 'order': {
      const o = event.order;
      facts.order = {
        amountMinor: o.amountMinor,
        currency: o.currency,
        itemCount: o.itemCount,
        paymentMethod: o.paymentMethod,
        billingCountry: o.billingCountry,
        shippingCountry: o.shippingCountry,
      };
      if (o.paymentFingerprint) facts.order.payment = p.of('payment', o.paymentFingerprint);
      if (o.shippingAddressId) facts.order.address = p.of('address', o.shippingAddressId);
      if (o.accountCreatedAt) {
        facts.order.accountAgeDays = Math.max(0, Math.floor((at - Date.parse(o.accountCreatedAt)) / DAY_MS));
      }
      break;
    }
  }
  return facts;
}
