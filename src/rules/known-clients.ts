import { BlockList, isIPv4 } from 'node:net';
import * as z from 'zod';

/*
 * The allow-lists of clients that announce themselves and are welcome: the shop's own apps (by
 * their user agent) and declared crawlers (by their user agent AND their published ranges, the
 * check Google documents for Googlebot: developers.google.com/search/docs/crawling-indexing/verifying-googlebot).
 * They live in the rules config (`clients`), are matched once per event where the raw user agent
 * and address are still at hand (src/pipeline/enrich.ts), and reach the rules as `knownClient`.
 */

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a lower-case name of letters, digits, ".", "_" or "-"');

/** A user-agent pattern: a regular expression, matched case-insensitively. */
const pattern = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (source) => {
      try {
        new RegExp(source, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** `address/length`, IPv4 or IPv6, as the crawler operators publish their ranges. */
const cidr = z.string().refine((text) => parseCidr(text) !== undefined, { message: 'not a CIDR range' });

const app = z.object({ name, userAgent: pattern }).strict();
const crawler = z.object({ name, userAgent: pattern, cidrs: z.array(cidr).min(1).max(5000) }).strict();

/** The `clients` section of the rules config; a list given there replaces the default list. */
export const knownClientsSchema = z
  .object({ apps: z.array(app).max(50).optional(), crawlers: z.array(crawler).max(50).optional() })
  .strict();

export type KnownClientsInput = z.infer<typeof knownClientsSchema>;

/**
 * The shop's own clients as this deployment ships them: its Android app (OkHttp's default user
 * agent, github.com/square/okhttp) and its iOS app (app name then CFNetwork, as URLSession
 * writes it), and the price-comparison site that crawls its catalogue from its own servers.
 */
export const DEFAULT_KNOWN_CLIENTS: Required<KnownClientsInput> = {
  apps: [
    { name: 'winkelhuis-android', userAgent: '^okhttp/\\d' },
    { name: 'winkelhuis-ios', userAgent: '^Winkelhuis/[\\d.]+ CFNetwork/' },
  ],
  crawlers: [{ name: 'prijsradar', userAgent: 'PrijsradarBot/', cidrs: ['138.201.0.0/16', '2a01:4f8::/32'] }],
};

/** The allow-lists, compiled. */
export interface KnownClients {
  apps: readonly { name: string; userAgent: RegExp }[];
  crawlers: readonly { name: string; userAgent: RegExp; ranges: BlockList }[];
}

/** Which list a client is on, and the entry's name. */
export interface KnownClientMatch {
  list: 'apps' | 'crawlers';
  name: string;
}

function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const match = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const [, address, length] = match;
  const family = isIPv4(address!) ? 'ipv4' : 'ipv6';
  const prefix = Number(length);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  try {
    new BlockList().addSubnet(address!, prefix, family);
  } catch {
    return undefined;
  }
  return { address: address!, prefix, family };
}

/**
 * Compiles validated lists (defaults for a list not given). Node's BlockList matches the ranges
 * (nodejs.org/api/net.html#class-netblocklist).
 */
export function compileKnownClients(input: KnownClientsInput = {}): KnownClients {
  const lists = { ...DEFAULT_KNOWN_CLIENTS, ...input };
  return {
    apps: lists.apps.map((a) => ({ name: a.name, userAgent: new RegExp(a.userAgent, 'i') })),
    crawlers: lists.crawlers.map((c) => {
      const ranges = new BlockList();
      for (const text of c.cidrs) {
        const { address, prefix, family } = parseCidr(text)!;
        ranges.addSubnet(address, prefix, family);
      }
      return { name: c.name, userAgent: new RegExp(c.userAgent, 'i'), ranges };
    }),
  };
}

/**
 * What the lists say of a client: an app entry by its user agent; a crawler entry by its user
 * agent from inside its ranges (`verified`) or from outside them (a claim, not a crawler).
 *
 * @example
 * ```ts
 * matchKnownClient(compileKnownClients(), 'okhttp/4.12.0', '145.53.12.7', 4);
 * // → { list: 'apps', name: 'winkelhuis-android', verified: true }
 * ```
 */
export function matchKnownClient(
  clients: KnownClients,
  userAgent: string,
  address: string,
  version: 4 | 6,
): (KnownClientMatch & { verified: boolean }) | undefined {
  const app = clients.apps.find((a) => a.userAgent.test(userAgent));
  if (app) return { list: 'apps', name: app.name, verified: true };
  const crawler = clients.crawlers.find((c) => c.userAgent.test(userAgent));
  if (!crawler) return undefined;
  const verified = crawler.ranges.check(address, version === 4 ? 'ipv4' : 'ipv6');
  return { list: 'crawlers', name: crawler.name, verified };
}
