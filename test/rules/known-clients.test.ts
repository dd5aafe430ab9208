import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import { compileKnownClients, matchKnownClient } from '../../src/rules/known-clients.ts';

const PRICE_BOT = 'Mozilla/5.0 (compatible; PrijsradarBot/2.4; +https://www.prijsradar.nl/bot)';

describe('known clients: matching', () => {
  it("recognises the shop's Android app by its OkHttp user agent, from any address", () => {
    // Prepare
    const clients = compileKnownClients();

    // Act
    const match = matchKnownClient(clients, 'okhttp/4.12.0', '145.53.12.7', 4);

    // Assess
    expect(match).toEqual({ list: 'apps', name: 'winkelhuis-android', verified: true });
  });

  it('verifies a declared crawler only from inside its ranges, IPv4 and IPv6', () => {
    // Prepare
    const clients = compileKnownClients();

    // Act
    const inside = matchKnownClient(clients, PRICE_BOT, '138.201.4.9', 4);
    const inside6 = matchKnownClient(clients, PRICE_BOT, '2a01:4f8:10::5', 6);
    const outside = matchKnownClient(clients, PRICE_BOT, '145.53.12.7', 4);

    // Assess
    expect(inside).toEqual({ list: 'crawlers', name: 'prijsradar', verified: true });
    expect(inside6?.verified).toBe(true);
    expect(outside).toEqual({ list: 'crawlers', name: 'prijsradar', verified: false });
  });

  it('matches nothing for a browser, and a configured list replaces the default one', () => {
    // Prepare
    const clients = compileKnownClients({ apps: [{ name: 'other-app', userAgent: '^OtherShop/' }] });

    // Act
    const browser = matchKnownClient(clients, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', '145.53.12.7', 4);
    const okhttp = matchKnownClient(clients, 'okhttp/4.12.0', '145.53.12.7', 4);
    const other = matchKnownClient(clients, 'othershop/2.1', '145.53.12.7', 4);

    // Assess
    expect(browser).toBeUndefined();
    expect(okhttp).toBeUndefined();
    expect(other).toEqual({ list: 'apps', name: 'other-app', verified: true });
  });
});

describe('known clients: the rules config section', () => {
  it('changes the ruleset version when the lists are configured', () => {
    // Prepare
    const clients = { crawlers: [{ name: 'pricebot', userAgent: 'PriceBot/', cidrs: ['203.0.113.0/24'] }] };

    // Act
    const config = resolveConfig({ clients });

    // Assess
    expect(config.rulesetVersion).toMatch(/\+[0-9a-f]{8}$/);
    expect(matchKnownClient(config.clients, 'PriceBot/1.0', '203.0.113.9', 4)?.verified).toBe(true);
  });

  it.each([
    [{ clients: { apps: [{ name: 'App', userAgent: 'x' }] } }, /^rules config: clients\.apps\.0\.name: /],
    [
      { clients: { apps: [{ name: 'app', userAgent: '(' }] } },
      /^rules config: clients\.apps\.0\.userAgent: not a valid regular expression$/,
    ],
    [
      { clients: { crawlers: [{ name: 'bot', userAgent: 'Bot/', cidrs: ['10.0.0.0/8', 'nope'] }] } },
      /^rules config: clients\.crawlers\.0\.cidrs\.1: not a CIDR range$/,
    ],
    [
      { clients: { crawlers: [{ name: 'bot', userAgent: 'Bot/', cidrs: ['10.0.0.0/33'] }] } },
      /^rules config: clients\.crawlers\.0\.cidrs\.0: not a CIDR range$/,
    ],
    [
      { clients: { crawlers: [{ name: 'bot', userAgent: 'Bot/', cidrs: [] }] } },
      /^rules config: clients\.crawlers\.0\.cidrs: /,
    ],
    [{ clients: { robots: [] } }, /^rules config: clients: .*"robots"/],
  ])('rejects %j naming the field, never the value', (input, error) => {
    // Act
    const resolve = () => resolveConfig(input);

    // Assess
    expect(resolve).toThrow(error);
  });
});
