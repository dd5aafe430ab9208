import { describe, expect, it } from 'vitest';
import { DISTURBED_STEAL, splitDisturbed, stealNote } from '../../bench/machine.ts';

/** A measured run as the API bench keeps it: a figure and the steal share meanwhile. */
const run = (p99: number, steal: number | undefined) => ({ figures: { p99 }, steal });

describe('splitDisturbed', () => {
  it('counts a run as disturbed from DISTURBED_STEAL up, keeping the order of each part', () => {
    // Prepare
    const runs = [
      run(7.8, 0.003),
      run(23, 0.075),
      run(8.1, DISTURBED_STEAL - 0.0001),
      run(29, DISTURBED_STEAL),
      run(12, 0),
    ];

    // Act
    const { quiet, disturbed } = splitDisturbed(runs);

    // Assess
    expect(quiet.map((r) => r.figures.p99)).toEqual([7.8, 8.1, 12]);
    expect(disturbed.map((r) => r.figures.p99)).toEqual([23, 29]);
  });

  it('counts a run whose steal is unknown (no /proc/stat) as quiet: there is nothing to discount it by', () => {
    // Prepare
    const runs = [run(9, undefined)];

    // Act
    const { quiet, disturbed } = splitDisturbed(runs);

    // Assess
    expect(quiet).toEqual(runs);
    expect(disturbed).toEqual([]);
  });
});

describe('stealNote', () => {
  it('prints a known share as a percentage and nothing for an unknown one', () => {
    // Act, Assess
    expect(stealNote(0.075, '; ')).toBe('; CPU stolen by the hypervisor 7.5 %');
    expect(stealNote(undefined, '; ')).toBe('');
  });
});
