import { describe, expect, it } from 'vitest';
import { newCountry } from '../../../src/rules/ip/new-country.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aSnapshot, anObservation, anOrderFact } from '../../factories/facts.ts';

const S = { ...newCountry.defaults, points: 10, minHistory: 3 };

const BERLIN = { country: 'DE', lat: 52.52, lon: 13.4, accuracyKm: 20 };

/** `n` earlier events of the default customer in `country`, a day apart. */
const seenIn = (country: string, n: number, newestDaysAgo = 1): Observation[] =>
  Array.from({ length: n }, (_, i) =>
    anObservation({ at: FACT_AT - minutes(24 * 60 * (newestDaysAgo + i)), country }),
  );

describe('NEW_COUNTRY', () => {
  it('fires on the first order from a new country once the customer has minHistory located events', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });
    const view = new ProfileView(aSnapshot(event, { subject: [...seenIn('NL', 2), ...seenIn('BE', 1, 5)] }));

    // Act
    const finding = newCountry.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'first order of this customer from DE',
      evidence: { country: 'DE', knownCountries: 'BE,NL', history: 3 },
    });
  });

  it('does not fire with one located event fewer than minHistory', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });
    const view = new ProfileView(aSnapshot(event, { subject: seenIn('NL', 2) }));

    // Act
    const finding = newCountry.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not count unlocated events as history', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });
    const unlocated = anObservation({ at: FACT_AT - minutes(5), country: undefined });
    const view = new ProfileView(aSnapshot(event, { subject: [...seenIn('NL', 2), unlocated] }));

    // Act
    const finding = newCountry.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire from a country the customer was seen in', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });
    const view = new ProfileView(aSnapshot(event, { subject: [...seenIn('NL', 3), ...seenIn('DE', 1, 10)] }));

    // Act
    const finding = newCountry.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores observations later than the event', () => {
    // Prepare
    const event = anOrderFact({ geo: BERLIN });
    const later = anObservation({ at: FACT_AT + minutes(1), country: 'DE' });
    const view = new ProfileView(aSnapshot(event, { subject: [...seenIn('NL', 3), later] }));

    // Act
    const finding = newCountry.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { country: 'DE', knownCountries: 'NL', history: 3 } });
  });

  it('does not fire without a location or without a customer', () => {
    // Prepare
    const unlocated = anOrderFact({ geo: undefined });
    const anonymous = anOrderFact({ geo: BERLIN, subject: undefined });
    const history = { subject: seenIn('NL', 3) };

    // Act
    const findings = [
      newCountry.evaluate(unlocated, new ProfileView(aSnapshot(unlocated, history)), S),
      newCountry.evaluate(anonymous, new ProfileView(aSnapshot(anOrderFact(), history)), S),
    ];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });
});
