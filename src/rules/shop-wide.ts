import type { EventType } from '../shared/contract/events.ts';
import { RULES } from './index.ts';

/**
 * The rules that read the shop-wide counters (`ProfileView.global`): the surge of logins for
 * unknown usernames, the login waves (residential stuffing, password spraying), the country
 * baseline of the login risk and the takeover sign-in, the sign-in's hour against the shop's
 * rhythm, and the browse wave (distributed scraping). A load for an event none of them
 * applies to leaves the counters out (on DynamoDB a week of hour items, the current one read
 * with every load). A rule that reads them without being listed here fails loudly
 * (`ProfileView.global` throws), and a test checks the list against the ruleset.
 */
export const SHOP_WIDE_RULES: ReadonlySet<string> = new Set([
  'UNKNOWN_USER_SURGE',
  'RESIDENTIAL_STUFFING',
  'PASSWORD_SPRAYING',
  'LOGIN_RISK',
  'TAKEOVER_SIGN_IN',
  'DISTRIBUTED_SCRAPING',
]);

const readers = new Set(
  RULES.filter((rule) => SHOP_WIDE_RULES.has(rule.code)).flatMap((rule) => rule.appliesTo),
);

/**
 * Whether any rule for events of this type reads the shop-wide counters.
 *
 * @example
 * ```ts
 * readsShopWide('browse'); // → true
 * readsShopWide('order'); // → false
 * ```
 */
export function readsShopWide(type: EventType): boolean {
  return readers.has(type);
}
