/**
 * The country codes the contract accepts (`order.billingCountry`, `order.shippingCountry`):
 * ISO 3166-1 alpha-2, the officially assigned codes only. The set is written out here so that a
 * change of it, by hand or by an update of the package it comes from, is a change of this test.
 */
import countries from 'i18n-iso-countries/index.js';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../src/shared/contract/events.ts';
import { ISO_3166_ALPHA2 } from '../../../src/shared/contract/iso3166.ts';
import { FIXTURE_NOW_MS, anOrder, withField } from '../../factories/events.ts';

/** The 249 officially assigned codes of the ISO 3166 Maintenance Agency. */
const ASSIGNED = `
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
  BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
  CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
  GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
  ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
  LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
  MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
  PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
  SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
  TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
`
  .trim()
  .split(/\s+/);

/** Reserved, user-assigned, withdrawn and lower-case codes: none is an assigned code. */
const NOT_ASSIGNED = ['UK', 'EU', 'XK', 'XX', 'AA', 'QM', 'ZZ', 'AN', 'CS', 'YU', 'nl'];

describe('ISO 3166-1 alpha-2 codes', () => {
  it('are the 249 officially assigned codes', () => {
    // Prepare
    const expected = [...ASSIGNED].sort();

    // Act
    const codes = [...ISO_3166_ALPHA2].sort();

    // Assess
    expect(codes).toEqual(expected);
  });

  it("are i18n-iso-countries' alpha-2 codes without the user-assigned XK (Kosovo)", () => {
    // Prepare
    const packaged = Object.keys(countries.getAlpha2Codes());

    // Act
    const assigned = packaged.filter((code) => code !== 'XK').sort();

    // Assess
    expect(packaged).toContain('XK');
    expect(assigned).toEqual([...ASSIGNED].sort());
  });

  it('are what an order accepts as billing and shipping country', () => {
    // Prepare
    const order = (code: string, field: string) => withField(anOrder(), `order.${field}`, code);

    // Act
    const accepted = ASSIGNED.filter((code) =>
      ['billingCountry', 'shippingCountry'].every(
        (field) => parseEvent(order(code, field), FIXTURE_NOW_MS).ok,
      ),
    );
    const rejected = NOT_ASSIGNED.filter((code) =>
      ['billingCountry', 'shippingCountry'].every(
        (field) => !parseEvent(order(code, field), FIXTURE_NOW_MS).ok,
      ),
    );

    // Assess
    expect(accepted).toEqual(ASSIGNED);
    expect(rejected).toEqual(NOT_ASSIGNED);
  });
});
