import { describe, expect, it } from 'vitest';
import { impossibleTravel } from '../../../src/rules/ip/impossible-travel.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  AMSTERDAM,
  FACT_AT,
  aLoginFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';

const S = {
  ...impossibleTravel.defaults,
  points: 45,
  maxSpeedKmh: 900,
  minDistanceKm: 500,
  egressCountries: 3,
};

const NEW_YORK = { country: 'US', lat: 40.71, lon: -74.01, accuracyKm: 50 };
const LOS_ANGELES = { country: 'US', lat: 34.05, lon: -118.24, accuracyKm: 50 };
const BERLIN = { country: 'DE', lat: 52.52, lon: 13.4, accuracyKm: 20 };

/** An earlier located event of the default customer, `msAgo` before the event. */
const seenIn = (
  place: { country: string; lat: number; lon: number; accuracyKm: number },
  msAgo: number,
): Observation => anObservation({ at: FACT_AT - msAgo, ...place });

/*
 * Amsterdam (accuracy 20 km) is 5,863 km from New York (accuracy 50 km): 5,793 km
 * after the radii are subtracted; Berlin (20 km) is 577 km away, 537 km after them.
 */
describe('IMPOSSIBLE_TRAVEL', () => {
  it('fires on a login an hour after an event on another continent and says how fast that was', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, minutes(60))] }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '5863 km from US to NL in 1.0 h (5793 km/h)',
      evidence: { from: 'US', to: 'NL', km: 5863, hours: 1, kmh: 5793 },
    });
  });

  it('fires just above maxSpeedKmh and not just below it', () => {
    // Prepare
    const event = aLoginFact();
    const fast = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, minutes(6.4 * 60))] }));
    const slow = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, minutes(6.5 * 60))] }));

    // Act
    const fired = impossibleTravel.evaluate(event, fast, S);
    const quiet = impossibleTravel.evaluate(event, slow, S);

    // Assess
    expect(fired).toEqual({
      message: '5863 km from US to NL in 6.4 h (905 km/h)',
      evidence: { from: 'US', to: 'NL', km: 5863, hours: 6.4, kmh: 905 },
    });
    expect(quiet).toBeUndefined();
  });

  it('subtracts both accuracy radii from the distance before comparing it with minDistanceKm', () => {
    // Prepare
    const event = aLoginFact();
    const precise = new ProfileView(aSnapshot(event, { subject: [seenIn(BERLIN, minutes(10))] }));
    const coarse = new ProfileView(
      aSnapshot(event, { subject: [seenIn({ ...BERLIN, accuracyKm: 60 }, minutes(10))] }),
    );

    // Act
    const fired = impossibleTravel.evaluate(event, precise, S);
    const quiet = impossibleTravel.evaluate(event, coarse, S);

    // Assess
    expect(fired).toEqual({
      message: '577 km from DE to NL in 0.2 h (3220 km/h)',
      evidence: { from: 'DE', to: 'NL', km: 577, hours: 0.17, kmh: 3220 },
    });
    expect(quiet).toBeUndefined();
  });

  it('subtracts the radii from the distance before computing the speed', () => {
    // Prepare
    const event = aLoginFact({ geo: { ...AMSTERDAM, accuracyKm: 1000 } });
    const view = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, minutes(5.5 * 60))] }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    // (5863 - 1050) km / 5.5 h = 875 km/h; without the radii 1066 km/h
    expect(finding).toBeUndefined();
  });

  it('counts at least a minute between two events at the same instant', () => {
    // Prepare
    const event = aLoginFact();
    const view = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, 0)] }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { hours: 0.02, kmh: 347562 } });
  });

  it('does not fire within one country', () => {
    // Prepare
    const event = aLoginFact({ geo: NEW_YORK });
    const view = new ProfileView(aSnapshot(event, { subject: [seenIn(LOS_ANGELES, minutes(10))] }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire on the return to a country the customer was seen in before', () => {
    // Prepare
    const event = aLoginFact();
    const history = [seenIn(AMSTERDAM, minutes(2 * 24 * 60)), seenIn(NEW_YORK, minutes(60))];
    const view = new ProfileView(aSnapshot(event, { subject: history }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores observations later than the event, for the previous place and for the known countries', () => {
    // Prepare
    const event = aLoginFact();
    const history = [seenIn(NEW_YORK, minutes(60)), seenIn(AMSTERDAM, -minutes(5))];
    const view = new ProfileView(aSnapshot(event, { subject: history }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { from: 'US', to: 'NL', hours: 1 } });
  });

  it('compares with the last located event, skipping unlocated ones', () => {
    // Prepare
    const event = aLoginFact();
    const unlocated = anObservation({
      at: FACT_AT - minutes(1),
      country: undefined,
      lat: undefined,
      lon: undefined,
      accuracyKm: undefined,
    });
    const view = new ProfileView(aSnapshot(event, { subject: [seenIn(NEW_YORK, minutes(60)), unlocated] }));

    // Act
    const finding = impossibleTravel.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { from: 'US', hours: 1 } });
  });

  it('does not fire without a customer or without a location', () => {
    // Prepare
    const anonymous = aLoginFact({ subject: undefined });
    const unlocated = aLoginFact({ geo: undefined });
    const history = { subject: [seenIn(NEW_YORK, minutes(60))] };

    // Act
    const findings = [
      impossibleTravel.evaluate(anonymous, new ProfileView(aSnapshot(aLoginFact(), history)), S),
      impossibleTravel.evaluate(unlocated, new ProfileView(aSnapshot(unlocated, history)), S),
    ];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('stays quiet when either end is in a hosting network: a VPN is placed at its data centre', () => {
    // Prepare
    const fromVpn = aLoginFact({ hosting: { kind: 'hosting', name: 'M247', asn: 9009 } });
    const afterVpn = aLoginFact();
    const vpnBefore = new ProfileView(
      aSnapshot(afterVpn, { subject: [{ ...seenIn(NEW_YORK, minutes(60)), hosting: true }] }),
    );
    const homeBefore = new ProfileView(aSnapshot(fromVpn, { subject: [seenIn(NEW_YORK, minutes(60))] }));

    // Act
    const findings = [
      impossibleTravel.evaluate(fromVpn, homeBefore, S),
      impossibleTravel.evaluate(afterVpn, vpnBefore, S),
    ];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it("stays quiet when the customer's own history already jumps impossibly (a relay egress)", () => {
    // Prepare
    const event = aLoginFact();
    const jumpy = [
      seenIn(LOS_ANGELES, minutes(300)),
      seenIn(BERLIN, minutes(240)),
      seenIn(NEW_YORK, minutes(60)),
    ];
    const steady = [
      seenIn(LOS_ANGELES, minutes(3000)),
      seenIn(BERLIN, minutes(1500)),
      seenIn(NEW_YORK, minutes(60)),
    ];

    // Act
    const quiet = impossibleTravel.evaluate(event, new ProfileView(aSnapshot(event, { subject: jumpy })), S);
    const fired = impossibleTravel.evaluate(event, new ProfileView(aSnapshot(event, { subject: steady })), S);

    // Assess
    expect(quiet).toBeUndefined();
    expect(fired).toMatchObject({ evidence: { from: 'US', to: 'NL' } });
  });

  it('stays quiet on a network placed in egressCountries countries or more (relay egress)', () => {
    // Prepare
    const event = aLoginFact();
    const subject = [seenIn(NEW_YORK, minutes(60))];
    const relay = ['NL', 'US', 'GB'].map((country) =>
      anObservation({ subject: pseudonym('subject-7'), country }),
    );
    const office = ['NL', 'NL', 'BE'].map((country) =>
      anObservation({ subject: pseudonym('subject-7'), country }),
    );

    // Act
    const onRelay = impossibleTravel.evaluate(
      event,
      new ProfileView(aSnapshot(event, { subject, network: relay })),
      S,
    );
    const onOffice = impossibleTravel.evaluate(
      event,
      new ProfileView(aSnapshot(event, { subject, network: office })),
      S,
    );

    // Assess
    expect(onRelay).toBeUndefined();
    expect(onOffice).toMatchObject({ evidence: { from: 'US', to: 'NL' } });
  });
});
