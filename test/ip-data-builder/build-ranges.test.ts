import { describe, expect, it } from 'vitest';
import { innermostWins, normalise, table4, table6 } from '../../src/ip-data-builder/build-ranges.ts';
import type { Range } from '../../src/ip-data-builder/build-ranges.ts';
import { NONE, owner4, owner6 } from '../../src/shared/ip-data/range-table.ts';

describe('normalise', () => {
  it('sorts, and merges overlapping or touching ranges of one owner', () => {
    // Prepare
    const ranges: Range<number>[] = [
      [20, 29, 2],
      [5, 9, 1],
      [0, 4, 1],
      [8, 12, 1],
    ];

    // Act
    const out = normalise(ranges);

    // Assess
    expect(out).toEqual([
      [0, 12, 1],
      [20, 29, 2],
    ]);
  });

  it('refuses overlapping ranges of two owners, naming where', () => {
    // Prepare
    const ranges: Range<bigint>[] = [
      [0n, 10n, 1],
      [10n, 12n, 2],
    ];

    // Act
    const act = () => normalise(ranges);

    // Assess
    expect(act).toThrow('overlapping ranges of different owners at 10');
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => normalise([[5, 4, 1]])).toThrow('range ends before it starts: 5-4');
  });
});

describe('innermostWins', () => {
  it('gives nested ranges their own owner and the enclosing range the rest', () => {
    // Prepare: 0-99 (owner 1) holds 10-19 (2), which holds 12-13 (3); 50-99 (4) ends with it.
    const ranges: Range<number>[] = [
      [0, 99, 1],
      [10, 19, 2],
      [12, 13, 3],
      [50, 99, 4],
      [200, 209, 5],
    ];

    // Act
    const out = [...innermostWins(ranges)];

    // Assess
    expect(out).toEqual([
      [0, 9, 1],
      [10, 11, 2],
      [12, 13, 3],
      [14, 19, 2],
      [20, 49, 1],
      [50, 99, 4],
      [200, 209, 5],
    ]);
  });

  it('refuses ranges that overlap without one holding the other', () => {
    expect(() => [
      ...innermostWins<number>([
        [0, 10, 1],
        [5, 15, 2],
      ]),
    ]).toThrow('ranges overlap without nesting at 5');
  });

  it('refuses ranges out of order', () => {
    expect(() => [
      ...innermostWins<number>([
        [10, 19, 1],
        [0, 5, 2],
      ]),
    ]).toThrow('ranges out of order at 0');
  });
});

describe('table4 and owner4', () => {
  it('finds each range, a gap between ranges, and the space before and after them', () => {
    // Prepare
    const table = table4([
      [256, 511, 7],
      [512, 767, 7],
      [1024, 2047, 8],
    ]);

    // Act
    const owners = [0, 255, 256, 767, 768, 1023, 1024, 2047, 2048, 2 ** 32 - 1].map((n) => owner4(table, n));

    // Assess
    expect(owners).toEqual([NONE, NONE, 7, 7, NONE, NONE, 8, 8, NONE, NONE]);
    // Touching ranges of one owner are one start.
    expect([...table.starts]).toEqual([256, 768, 1024, 2048]);
  });

  it('needs no closing gap for a range that runs to the last address', () => {
    // Act
    const table = table4([[2 ** 32 - 256, 2 ** 32 - 1, 3]]);

    // Assess
    expect([...table.starts]).toEqual([2 ** 32 - 256]);
    expect(owner4(table, 2 ** 32 - 1)).toBe(3);
  });
});

describe('table6 and owner6', () => {
  it('finds /64 prefixes across the 32-bit halves', () => {
    // Prepare
    const table = table6([
      [0x2a02a448_00000000n, 0x2a02a448_ffffffffn, 1],
      [0x2a02a449_00000000n, 0x2a02a449_0000ffffn, 2],
    ]);

    // Act
    const owners = [
      [0x2a02a447, 0xffffffff],
      [0x2a02a448, 0],
      [0x2a02a448, 0xffffffff],
      [0x2a02a449, 0xffff],
      [0x2a02a449, 0x10000],
    ].map(([hi, lo]) => owner6(table, hi!, lo!));

    // Assess
    expect(owners).toEqual([NONE, 1, 1, 2, NONE]);
  });
});
