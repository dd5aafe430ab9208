import { describe, expect, it } from 'vitest';
import { switchChance, valueCounts } from '../../src/rules/novelty.ts';
import { anObservation, pseudonym } from '../factories/facts.ts';

const onDevices = (...names: string[]) => names.map((n) => anObservation({ device: pseudonym(n) }));

describe('valueCounts', () => {
  it('counts each value and estimates the chance of a new one as (distinct + 1) / (n + 2)', () => {
    // Prepare
    const history = [...onDevices('a', 'a', 'b'), anObservation({ device: undefined })];

    // Act
    const known = valueCounts(history, (o) => o.device);

    // Assess
    expect(known.n).toBe(3);
    expect([...known.counts.entries()]).toEqual([
      [pseudonym('a'), 2],
      [pseudonym('b'), 1],
    ]);
    expect(known.newChance).toBeCloseTo(3 / 5);
  });
});

describe('switchChance', () => {
  it('is the prior for a customer seen once, and shrinks as one value keeps coming back', () => {
    // Prepare
    const once = valueCounts(onDevices('a'), (o) => o.device);
    const often = valueCounts(onDevices('a', 'a', 'a', 'a', 'a'), (o) => o.device);

    // Act
    const chances = [switchChance(once, 0.25, 2), switchChance(often, 0.25, 2)];

    // Assess: 0.5 / 2, then 0.5 / (4 + 2)
    expect(chances[0]).toBeCloseTo(0.25);
    expect(chances[1]).toBeCloseTo(0.5 / 6);
  });

  it('counts every value after the first as a switch', () => {
    // Prepare
    const rotating = valueCounts(onDevices('a', 'b', 'c', 'd'), (o) => o.device);

    // Act
    const chance = switchChance(rotating, 0.25, 2);

    // Assess: (3 + 0.5) / (3 + 2)
    expect(chance).toBeCloseTo(0.7);
  });
});
