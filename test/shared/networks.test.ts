import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClientIp } from '../../src/shared/ip.ts';
import type { ClientIp } from '../../src/shared/ip.ts';
import {
  GOOGLE_NETWORK,
  hostingNetwork,
  networkDataInfo,
  verifiedCrawler,
} from '../../src/shared/networks.ts';

function ip(text: string): ClientIp {
  const parsed = parseClientIp(text);
  if (parsed === undefined) throw new Error(`test address ${text} does not parse`);
  return parsed;
}

describe('hostingNetwork', () => {
  it.each([
    ['51.15.103.162', 'Scaleway', 12876],
    ['88.198.21.211', 'Hetzner', 24940],
    ['139.162.142.95', 'Linode', 63949],
    ['94.23.107.166', 'OVH', 16276],
    ['51.68.96.10', 'OVH', 16276],
    ['34.244.222.105', 'AWS', 16509],
    ['::ffff:94.23.107.166', 'OVH', 16276],
    ['2a01:4f8:c17:1234::1', 'Hetzner', 24940],
  ])('finds %s in %s', (text, name, asn) => {
    // Prepare
    const address = ip(text);

    // Act
    const owner = hostingNetwork(address);

    // Assess
    expect(owner).toEqual({ kind: 'hosting', name, asn });
  });

  it.each(['86.82.118.110', '145.53.12.7', '2a02:a448:50bf::1', '8.8.8.8'])(
    'does not place the residential or service address %s in a hosting network',
    (text) => {
      // Prepare
      const address = ip(text);

      // Act
      const owner = hostingNetwork(address);

      // Assess
      expect(owner).toBeUndefined();
    },
  );

  it('leaves Googlebot (AS15169, Google itself) out of hosting', () => {
    // Prepare
    const googlebot = ip('66.249.66.1');

    // Act
    const owner = hostingNetwork(googlebot);

    // Assess
    expect(owner).toBeUndefined();
  });

  it.each(['10.0.0.1', '127.0.0.1', '192.0.2.1', 'fd00::1', '::1'])(
    'gives nothing for the non-public address %s',
    (text) => {
      // Prepare
      const address = ip(text);

      // Act
      const owner = hostingNetwork(address);

      // Assess
      expect(owner).toBeUndefined();
    },
  );

  it('finds the first and last address of a range but not its neighbours', () => {
    // Prepare: one IPv4 range straight from the data file
    const data = JSON.parse(
      readFileSync(new URL('../../src/shared/data/hosting-networks.json', import.meta.url), 'utf8'),
    ) as {
      v4: [number, number, number][];
    };
    const [start, end, asn] = data.v4[Math.floor(data.v4.length / 2)]!;
    const text = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    const before = data.v4.some(([s, e]) => s <= start - 1 && start - 1 <= e);
    const after = data.v4.some(([s, e]) => s <= end + 1 && end + 1 <= e);

    // Act
    const first = hostingNetwork(ip(text(start)));
    const last = hostingNetwork(ip(text(end)));
    const previous = hostingNetwork(ip(text(start - 1)));
    const next = hostingNetwork(ip(text(end + 1)));

    // Assess
    expect(first?.asn).toBe(asn);
    expect(last?.asn).toBe(asn);
    expect(previous === undefined).toBe(!before);
    expect(next === undefined).toBe(!after);
  });
});

interface CrawlerData {
  crawlers: { name: string; ipv4: string[]; ipv6: string[] }[];
  googleCloud: { ipv4: string[]; ipv6: string[] };
}

function crawlerData(): CrawlerData {
  return JSON.parse(
    readFileSync(new URL('../../src/shared/data/crawler-networks.json', import.meta.url), 'utf8'),
  ) as CrawlerData;
}

describe('verifiedCrawler', () => {
  it.each([
    ['66.249.66.1', 'googlebot'],
    ['66.249.64.0', 'googlebot'],
    ['66.249.64.31', 'googlebot'],
    ['66.249.79.70', 'googlebot'],
    ['192.178.6.40', 'googlebot'],
    ['2001:4860:4801:10::1', 'googlebot'],
    ['2001:4860:4801:10:ffff:ffff:ffff:ffff', 'googlebot'],
    ['66.249.87.1', 'google-special-crawler'],
    ['74.125.219.191', 'google-special-crawler'],
    ['2001:4860:4801:2008::1', 'google-special-crawler'],
    ['107.178.192.5', 'google-user-triggered-fetcher'],
    ['35.187.143.127', 'google-user-triggered-fetcher'],
    ['2600:1900:0:100::5', 'google-user-triggered-fetcher'],
    ['2404:f340:10:4000::1', 'google-user-triggered-fetcher'],
    ['157.55.39.1', 'bingbot'],
    ['207.46.13.200', 'bingbot'],
    ['40.77.167.9', 'bingbot'],
    ['::ffff:157.55.39.1', 'bingbot'],
  ])('verifies %s as %s', (text, name) => {
    // Prepare
    const address = ip(text);

    // Act
    const crawler = verifiedCrawler(address);

    // Assess
    expect(crawler).toEqual({ kind: 'crawler', name });
  });

  it.each([
    // Google fetchers in none of the three recorded lists (likely user-triggered-fetchers-google.json), but in AS15169.
    ['66.249.84.204', 'a Google fetcher address in no published list'],
    ['66.249.86.99', 'a Google fetcher address in no published list'],
    ['66.249.88.132', 'a Google fetcher address in no published list'],
    ['66.249.67.96', 'a gap between published Googlebot /27s'],
    ['74.125.219.192', 'a gap between published special-crawler /27s'],
    ['8.8.8.8', "Google's public DNS"],
    ['2001:4860:4801:1::1', 'a Google /64 that is not published'],
    ['2a00:1450:4001:81c::200e', "a Google service address (AS15169's IPv6)"],
  ])("places %s in the rest of Google's network (%s)", (text) => {
    // Prepare
    const address = ip(text);

    // Act
    const crawler = verifiedCrawler(address);

    // Assess
    expect(crawler).toEqual({ kind: 'crawler', name: GOOGLE_NETWORK });
  });

  it.each([
    ['86.82.118.110', 'a residential address'],
    ['51.15.103.162', 'Scaleway'],
    ['34.91.206.97', 'Google Cloud customer space (AS396982)'],
    ['35.208.1.1', 'Google Cloud customer space announced by AS15169 (us-central1)'],
    ['34.0.96.1', 'Google Cloud customer space announced by AS15169 (asia-northeast3)'],
    ['2600:1902::1', 'Google Cloud customer IPv6 announced by AS15169'],
    ['2600:1900:4000::1', 'Google Cloud customer IPv6 (AS396982)'],
    ['157.55.40.1', 'next to a Bingbot /24'],
    ['10.0.0.1', 'a private address'],
  ])('does not verify %s (%s)', (text) => {
    // Prepare
    const address = ip(text);

    // Act
    const crawler = verifiedCrawler(address);

    // Assess
    expect(crawler).toBeUndefined();
  });
});

describe('crawler-networks.json', () => {
  it('keeps the published Google lists and Bingbot as entries of their own, ahead of the derived Google network', () => {
    // Prepare
    const data = crawlerData();

    // Act
    const names = data.crawlers.map((c) => c.name);

    // Assess
    expect(names).toEqual([
      'googlebot',
      'google-special-crawler',
      'google-user-triggered-fetcher',
      'bingbot',
      GOOGLE_NETWORK,
    ]);
    for (const crawler of data.crawlers) expect(crawler.ipv4.length).toBeGreaterThan(0);
  });

  it('leaves every documented Google Cloud customer range out of the Google network', () => {
    // Prepare: the first and last address of each customer IPv4 block
    const { googleCloud } = crawlerData();
    const text = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    const edges = googleCloud.ipv4.flatMap((cidr) => {
      const [base = '', bits = ''] = cidr.split('/');
      const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
      return [text(start), text(start + 2 ** (32 - Number(bits)) - 1)];
    });

    // Act
    const owners = new Set(edges.map((edge) => verifiedCrawler(ip(edge))?.name));

    // Assess: only a published list (which always wins) may claim customer space
    expect(owners.has(GOOGLE_NETWORK)).toBe(false);
    expect(edges.length).toBeGreaterThan(1000);
  });

  it('is no bigger than it needs to be', () => {
    // Prepare
    const file = new URL('../../src/shared/data/crawler-networks.json', import.meta.url);

    // Act
    const bytes = readFileSync(file).length;

    // Assess
    expect(bytes).toBeLessThan(300 * 1024);
  });
});

describe('networkDataInfo', () => {
  it('describes both data sets', () => {
    // Prepare
    const { hosting, crawlers } = networkDataInfo();

    // Act
    const dates = [hosting.generatedAt, crawlers.recordedAt];

    // Assess
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(hosting.source).toContain('@ip-location-db/asn');
    expect(hosting.asns).toBeGreaterThanOrEqual(30);
    expect(hosting.ranges).toBeGreaterThan(1000);
    expect(crawlers.source).toContain('https://developers.google.com/search/apis/ipranges/googlebot.json');
    expect(crawlers.source).toContain('https://www.bing.com/toolbox/bingbot.json');
    expect(crawlers.source).toContain('special-crawlers.json');
    expect(crawlers.source).toContain('user-triggered-fetchers.json');
    expect(crawlers.source).toContain('AS15169');
    expect(crawlers.ranges).toBeGreaterThan(100);
  });
});
