import { NONE } from '../shared/ip-data/range-table.ts';
import type { RangeTable4, RangeTable6 } from '../shared/ip-data/range-table.ts';

/** An address range and its owner: IPv4 addresses as numbers, IPv6 /64 prefixes as bigints. */
export type Range<T extends number | bigint> = [start: T, end: T, owner: number];

/** `a + 1` for either kind of bound (`+` needs both operands of one type). */
const succ = <T extends number | bigint>(a: T): T =>
  (typeof a === 'bigint' ? a + 1n : (a as number) + 1) as T;

/**
 * Sorts ranges by start and merges overlapping or touching ranges of one
 * owner; overlapping ranges of different owners are an error.
 *
 * @example
 * ```ts
 * normalise([[5, 9, 1], [0, 4, 1]]); // → [[0, 9, 1]]
 * ```
 */
export function normalise<T extends number | bigint>(ranges: Range<T>[]): Range<T>[] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range<T>[] = [];
  for (const range of ranges) {
    if (range[0] > range[1])
      throw new Error(`range ends before it starts: ${String(range[0])}-${String(range[1])}`);
    const last = out[out.length - 1];
    if (last !== undefined && range[0] <= succ(last[1])) {
      if (last[2] === range[2]) {
        if (range[1] > last[1]) last[1] = range[1];
        continue;
      }
      if (range[0] <= last[1])
        throw new Error(`overlapping ranges of different owners at ${String(range[0])}`);
    }
    out.push([range[0], range[1], range[2]]);
  }
  return out;
}

/**
 * Ranges sorted by start, where a range may lie wholly inside another, as
 * ascending non-overlapping pieces in which the innermost range wins (as in a
 * longest-prefix match): the enclosing range's owner holds the addresses
 * around the inner one. Partial overlaps are an error.
 *
 * @example
 * ```ts
 * [...innermostWins([[0, 9, 1], [4, 5, 2]])]; // → [[0, 3, 1], [4, 5, 2], [6, 9, 1]]
 * ```
 */
export function* innermostWins<T extends number | bigint>(ranges: Iterable<Range<T>>): Generator<Range<T>> {
  const open: Range<T>[] = []; // the ranges enclosing the cursor, innermost last
  let cursor: T | undefined; // the first address not yet handed out
  const closed: Range<T>[] = [];
  /** Hands out the rest of each open range that ends before `start` (all of them without one). */
  const close = (start?: T): Range<T>[] => {
    closed.length = 0;
    for (let top = open.at(-1); top && (start === undefined || top[1] < start); top = open.at(-1)) {
      if (cursor! <= top[1]) closed.push([cursor!, top[1], top[2]]);
      cursor = succ(top[1]);
      open.pop();
    }
    return closed;
  };
  for (const range of ranges) {
    const [start, end] = range;
    if (end < start) throw new Error(`range ends before it starts: ${String(start)}-${String(end)}`);
    yield* close(start);
    if (cursor !== undefined && start < cursor) throw new Error(`ranges out of order at ${String(start)}`);
    const top = open.at(-1);
    if (top) {
      if (end > top[1]) throw new Error(`ranges overlap without nesting at ${String(start)}`);
      if (cursor! < start)
        yield [cursor!, (typeof start === 'bigint' ? start - 1n : (start as number) - 1) as T, top[2]];
    }
    open.push(range);
    cursor = start;
  }
  yield* close();
}

/**
 * Ascending, non-overlapping ranges in the starts-and-owners form of
 * `range-table.ts`: a gap becomes a start owned by NONE, and a closing NONE
 * follows the last range unless it runs to `limit` (one past the last
 * address of the space). A start with the same owner as the one before adds
 * nothing, so touching ranges of one owner become one.
 */
function startsAndOwners<T extends number | bigint>(
  ranges: Iterable<Range<T>>,
  limit: T,
): { starts: T[]; owners: Uint32Array } {
  const starts: T[] = [];
  const owners: number[] = [];
  const push = (start: T, owner: number): void => {
    if (owners.length > 0 ? owners[owners.length - 1] === owner : owner === NONE) return;
    starts.push(start);
    owners.push(owner);
  };
  let next: T | undefined; // the first address after the last range
  for (const [start, end, owner] of ranges) {
    if (end < start) throw new Error(`range ends before it starts: ${String(start)}-${String(end)}`);
    if (next !== undefined && start < next)
      throw new Error(`ranges out of order or overlapping at ${String(start)}`);
    if (next !== undefined && start > next) push(next, NONE);
    push(start, owner);
    next = succ(end);
  }
  if (next !== undefined && next < limit) push(next, NONE);
  return { starts, owners: Uint32Array.from(owners) };
}

/**
 * An IPv4 range table of ascending, non-overlapping ranges.
 *
 * @example
 * ```ts
 * table4([[256, 511, 7]]); // → { starts: [256, 512], owners: [7, NONE] }
 * ```
 */
export function table4(ranges: Iterable<Range<number>>): RangeTable4<Uint32Array> {
  const { starts, owners } = startsAndOwners(ranges, 2 ** 32);
  return { starts: Uint32Array.from(starts), owners };
}

/**
 * An IPv6 range table of ascending, non-overlapping ranges of /64 prefixes.
 *
 * @example
 * ```ts
 * table6([[0x2a02a44850bf0000n, 0x2a02a44850bfffffn, 3]]);
 * ```
 */
export function table6(ranges: Iterable<Range<bigint>>): RangeTable6<Uint32Array> {
  const { starts, owners } = startsAndOwners(ranges, 1n << 64n);
  return {
    startHi: Uint32Array.from(starts, (s) => Number(s >> 32n)),
    startLo: Uint32Array.from(starts, (s) => Number(s & 0xffff_ffffn)),
    owners,
  };
}
