import { describe, expect, it } from 'vitest';
import { jointSwitchChance, switchChance, valueCounts } from '../../src/rules/novelty.ts';
import type { Observation } from '../../src/shared/profile.ts';
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

describe('jointSwitchChance', () => {
  const at = (device: string | undefined, network: string) =>
    anObservation({
      device: device === undefined ? undefined : pseudonym(device),
      network: pseudonym(network),
    });
  const picks = [(o: Observation) => o.device, (o: Observation) => o.network];

  it('counts as switches only the observations new on every feature at once', () => {
    // Prepare: a second device at home, the laptop on another network, then both new
    const history = [at('a', 'home'), at('b', 'home'), at('a', 'office'), at('c', 'hotel')];

    // Act
    const chance = jointSwitchChance(history, picks, 0.2, 2);

    // Assess: one switch in three chances, (1 + 2 × 0.2) / (3 + 2)
    expect(chance).toBeCloseTo(0.28);
  });

  it('is the prior without history and leaves out observations missing a feature', () => {
    // Prepare
    const history = [at('a', 'home'), at(undefined, 'hotel'), at('a', 'home')];

    // Act
    const chances = [jointSwitchChance([], picks, 0.2, 2), jointSwitchChance(history, picks, 0.2, 2)];

    // Assess: 0.4 / 2, then no switch in one chance, 0.4 / (1 + 2)
    expect(chances[0]).toBeCloseTo(0.2);
    expect(chances[1]).toBeCloseTo(0.4 / 3);
  });
});
