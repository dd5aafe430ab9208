import { describe, expect, it } from 'vitest';
import { placeless } from '../../src/rules/egress.ts';
import { anObservation } from '../factories/facts.ts';

const placedIn = (...countries: string[]) => countries.map((country) => anObservation({ country }));

describe('placeless', () => {
  it('is true for a network placed in minCountries countries', () => {
    // Prepare
    const relay = placedIn('NL', 'US', 'GB');

    // Act
    const result = placeless(relay, 3);

    // Assess
    expect(result).toBe(true);
  });

  it('is false for a network that stays in fewer countries, however busy', () => {
    // Prepare
    const office = placedIn(...Array.from({ length: 500 }, (_, i) => (i % 2 ? 'NL' : 'BE')));

    // Act
    const result = placeless(office, 3);

    // Assess
    expect(result).toBe(false);
  });

  it('looks only at the latest 200 observations', () => {
    // Prepare
    const once = [...placedIn('US', 'GB'), ...placedIn(...Array.from({ length: 199 }, () => 'NL'))];
    const recently = [...placedIn(...Array.from({ length: 199 }, () => 'NL')), ...placedIn('US', 'GB')];

    // Act
    const results = [placeless(once, 3), placeless(recently, 3)];

    // Assess
    expect(results).toEqual([false, true]);
  });
});
