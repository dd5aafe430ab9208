/** The browsers of the demo shop's visitors, and the search engines' crawlers. */
import type { Rng } from './random.ts';

export const UA = {
  chromeWin: (v: number) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  edge: (v: number) => `${UA.chromeWin(v)} Edg/${v}.0.0.0`,
  firefox: (v: number) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  macSafari: () =>
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
  macChrome: (v: number) =>
    `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  iphone: (os: string) =>
    `Mozilla/5.0 (iPhone; CPU iPhone OS ${os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1`,
  ipad: () =>
    'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1',
  android: (v: number) =>
    `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
  samsung: (model: string) =>
    `Mozilla/5.0 (Linux; Android 15; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36`,
  /** What a credential-stuffing kit sends on every attempt, whichever proxy it goes through. */
  stuffingKit:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};

export function browserUserAgent(rng: Rng, mobile: boolean): string {
  const r = rng.next();
  if (mobile) {
    if (r < 0.5) return UA.iphone(rng.pick(['18_6', '18_7', '26_1']));
    if (r < 0.75) return UA.android(rng.int(140, 142));
    if (r < 0.93) return UA.samsung(rng.pick(['SM-S921B', 'SM-A556B', 'SM-S931B']));
    return UA.ipad();
  }
  if (r < 0.5) return UA.chromeWin(rng.int(140, 142));
  if (r < 0.65) return UA.edge(rng.int(140, 142));
  if (r < 0.78) return UA.firefox(rng.int(144, 145));
  if (r < 0.9) return UA.macSafari();
  return UA.macChrome(rng.int(140, 142));
}

/** Search-engine crawlers, from their operators' published ranges. */
export const CRAWLERS = [
  { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: '66.249.66' },
  {
    ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    net: '66.249.68',
  },
  {
    ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.0.0 Safari/537.36',
    net: '40.77.167',
  },
] as const;
