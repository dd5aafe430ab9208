import { describe, expect, it } from 'vitest';
import { countryMismatch } from '../../../src/rules/ip/country-mismatch.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import { aSnapshot, anOrderFact } from '../../factories/facts.ts';

const S = {
  ...countryMismatch.defaults,
  points: 20,
  ipOnlyPoints: 10,
  highValueMinor: 25_000,
  highValueExtraPoints: 20,
};

const BERLIN = { country: 'DE', lat: 52.52, lon: 13.4, accuracyKm: 20 };

/** An order from an Amsterdam address (the default geo) with these countries and amount. */
const anOrder = (billingCountry: string, shippingCountry: string, amountMinor = 4995) =>
  anOrderFact({ order: { billingCountry, shippingCountry, amountMinor } });

const evaluate = (event: ReturnType<typeof anOrderFact>, settings = S) =>
  countryMismatch.evaluate(event, new ProfileView(aSnapshot(event)), settings);

describe('COUNTRY_MISMATCH', () => {
  it('fires with points when billing matches neither shipping nor the IP country', () => {
    // Prepare
    const event = anOrder('BE', 'NL');

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'billing country BE matches neither shipping nor IP country',
      evidence: { ipCountry: 'NL', billingCountry: 'BE', shippingCountry: 'NL', amountMinor: 4995 },
      points: 20,
    });
  });

  it('fires with ipOnlyPoints when only the IP country matches neither billing nor shipping', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'IP country DE matches neither billing nor shipping country',
      evidence: { ipCountry: 'DE', billingCountry: 'NL', shippingCountry: 'NL', amountMinor: 4995 },
      points: 10,
    });
  });

  it('adds highValueExtraPoints from highValueMinor on and names the amount', () => {
    // Prepare
    const billing = anOrder('BE', 'NL', 25_000);
    const ipOnly = anOrderFact({ geo: BERLIN, order: { amountMinor: 25_000 } });

    // Act
    const findings = [evaluate(billing), evaluate(ipOnly)];

    // Assess
    expect(findings).toEqual([
      {
        message: 'billing country BE matches neither shipping nor IP country on a 250.00 EUR order',
        evidence: { ipCountry: 'NL', billingCountry: 'BE', shippingCountry: 'NL', amountMinor: 25_000 },
        points: 40,
      },
      {
        message: 'IP country DE matches neither billing nor shipping country on a 250.00 EUR order',
        evidence: { ipCountry: 'DE', billingCountry: 'NL', shippingCountry: 'NL', amountMinor: 25_000 },
        points: 30,
      },
    ]);
  });

  it('adds no extra points one cent below highValueMinor', () => {
    // Prepare
    const event = anOrder('BE', 'NL', 24_999);

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toMatchObject({
      message: 'billing country BE matches neither shipping nor IP country',
      points: 20,
    });
  });

  it.each([
    ['all three agree', 'NL', 'NL', 'NL'],
    ['a gift: billed where the buyer is, shipped elsewhere', 'NL', 'NL', 'BE'],
    ['bought and billed abroad, shipped home', 'DE', 'DE', 'NL'],
  ])(
    'does not fire when %s (IP %s, billing %s, shipping %s), even on a high-value order',
    (_label, ip, billing, shipping) => {
      // Prepare
      const event = anOrderFact({
        geo: { ...BERLIN, country: ip },
        order: { billingCountry: billing, shippingCountry: shipping, amountMinor: 100_000 },
      });

      // Act
      const finding = evaluate(event);

      // Assess
      expect(finding).toBeUndefined();
    },
  );

  it('treats an unlocated address as matching nothing: billing unlike shipping is enough (current behaviour)', () => {
    // Prepare
    const unlocatedGift = anOrderFact({
      geo: undefined,
      order: { billingCountry: 'NL', shippingCountry: 'BE' },
    });
    const unlocatedHome = anOrderFact({ geo: undefined });

    // Act
    const findings = [evaluate(unlocatedGift), evaluate(unlocatedHome)];

    // Assess
    expect(findings).toEqual([
      {
        message: 'billing country NL matches neither shipping nor IP country',
        evidence: { ipCountry: 'unknown', billingCountry: 'NL', shippingCountry: 'BE', amountMinor: 4995 },
        points: 20,
      },
      undefined,
    ]);
  });
});
