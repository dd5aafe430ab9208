import type { AddressBookStep } from './account-paths.ts';
import type {
  BrowseKind,
  EventType,
  FailureReason,
  LoginMethod,
  LoginOutcome,
  PaymentMethod,
} from './contract/events.ts';
import type { GeoFacts } from './geo.ts';
import type { IpRange } from './ip.ts';
import type { NetworkOwner } from './networks.ts';
import type { Pseudonym, SubjectPseudonym } from './pseudonymise.ts';

/**
 * The pseudonymised facts of one valid event: everything the rules may look
 * at. Raw customer ids, usernames, IPs, device ids, payment tokens, address
 * ids and search queries have been replaced by pseudonyms; the only raw
 * text left is the page path, which the probing rule reads and nothing stores.
 */
export interface EventFacts {
  eventId: string;
  type: EventType;
  /** Event time, epoch ms. Rules never read the clock; this is their "now". */
  at: number;
  subject?: SubjectPseudonym;
  username?: Pseudonym;
  ip: {
    id: Pseudonym;
    network: Pseudonym;
    version: 4 | 6;
    range: IpRange;
    /** The autonomous system that announces the address (public addresses in the AS table only). */
    asn?: number;
  };
  geo?: GeoFacts;
  hosting?: NetworkOwner;
  /**
   * A verified crawler: a search engine's or a declared crawler's user agent from inside that
   * operator's published ranges.
   */
  crawler?: NetworkOwner;
  /**
   * An allow-listed client (the rules config's `clients`): the shop's own app by its user agent,
   * or a declared crawler verified by its ranges. Bot rules leave it alone.
   */
  knownClient?: { list: 'apps' | 'crawlers'; name: string };
  device?: Pseudonym;
  /** The browser session, or where the producer sent none, the IP and user agent together. */
  client: Pseudonym;
  /** The producer sent no session id: no cookie-keeping browser (crawlers, scripts, some apps). */
  sessionless?: true;
  userAgent?: {
    id: Pseudonym;
    /** A bot, crawler, headless browser or HTTP library by its user agent. */
    bot: boolean;
    /** Names a search-engine or declared crawler (Googlebot, bingbot, …), truthfully or not. */
    claimsCrawler: boolean;
    /** Family and major version (`chrome 131`, `okhttp 4`, `other`): coarse, shared by many. */
    family: string;
    /** A robot that names itself and its operator's contact (`ExampleBot/2.1; +https://…`). */
    declaredRobot?: true;
  };
  login?: { outcome: LoginOutcome; failureReason?: FailureReason; method?: LoginMethod };
  /**
   * `probe`: the path looks like vulnerability probing (`isProbePath`); `addressBook`: the page
   * of the account's address book it is (`addressBookStep`). The path itself is read there and
   * not kept.
   */
  browse?: { kind?: BrowseKind; search: boolean; probe?: true; addressBook?: AddressBookStep };
  order?: {
    amountMinor: number;
    currency: string;
    itemCount: number;
    paymentMethod: PaymentMethod;
    payment?: Pseudonym;
    address?: Pseudonym;
    billingCountry: string;
    shippingCountry: string;
    /** Whole days between account creation and the order, when the producer sent it. */
    accountAgeDays?: number;
  };
}
