import { readFileSync } from 'node:fs';

/**
 * CPU time the hypervisor gave to other guests while this one wanted it ("steal", the eighth
 * column of /proc/stat's `cpu` line: https://www.kernel.org/doc/html/latest/filesystems/proc.html),
 * as a share of this machine's CPU time between two readings. On a small virtual machine it is the
 * largest outside cause of tail latency, so the latency figures are printed with it.
 *
 * @returns a function that gives the share (0–1) since this call, or `undefined` where there is
 * no /proc/stat (not Linux).
 *
 * @example
 * ```ts
 * const stolen = stealSince();
 * await run();
 * stolen(); // → 0.02
 * ```
 */
export function stealSince(): () => number | undefined {
  const before = cpuTimes();
  return () => {
    const after = cpuTimes();
    if (!before || !after) return undefined;
    const total = after.total - before.total;
    return total > 0 ? (after.steal - before.steal) / total : 0;
  };
}

/**
 * A steal share as the bench lines print it, after `separator`; nothing where it is unknown.
 *
 * @example
 * ```ts
 * stealNote(0.013, '; '); // → '; CPU stolen by the hypervisor 1.3 %'
 * ```
 */
export function stealNote(share: number | undefined, separator: string): string {
  return share === undefined ? '' : `${separator}CPU stolen by the hypervisor ${(share * 100).toFixed(1)} %`;
}

/**
 * The steal share at which a latency run counts as disturbed: the hypervisor took this much of the
 * machine's CPU time while it ran. On this project's 2-core development machine, the same code
 * within a day: the score's paced runs had a p99 of 6.6 to 12 ms with steal at 0.0 to 0.7 %, 16 ms
 * at 1.6 %, 23 to 52 ms at 5 to 11 %, and seconds at 35 %. What such a run measures is the
 * neighbours, not the code (docs/adr/0005-score-latency-measured-open-loop.md).
 */
export const DISTURBED_STEAL = 0.01;

/**
 * Splits measured runs into those the hypervisor left alone (steal below {@link DISTURBED_STEAL},
 * or unknown: no /proc/stat to tell) and the disturbed ones, each in the order given.
 *
 * @example
 * ```ts
 * const { quiet, disturbed } = splitDisturbed([{ steal: 0.003 }, { steal: 0.075 }, { steal: undefined }]);
 * quiet.length;     // → 2
 * disturbed.length; // → 1
 * ```
 */
export function splitDisturbed<T extends { readonly steal: number | undefined }>(
  runs: readonly T[],
): { quiet: T[]; disturbed: T[] } {
  const quiet: T[] = [];
  const disturbed: T[] = [];
  for (const run of runs)
    (run.steal !== undefined && run.steal >= DISTURBED_STEAL ? disturbed : quiet).push(run);
  return { quiet, disturbed };
}

function cpuTimes(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest time is inside user and nice)
    const counted = fields.slice(0, 8);
    return { total: counted.reduce((a, b) => a + b, 0), steal: counted[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** The work of one {@link speedProbe}: fixed, pure integer arithmetic (no allocation, no I/O). */
const PROBE_STEPS = 5_000_000;

/**
 * How long this machine takes right now for a fixed piece of CPU work, ms. On a shared virtual
 * machine the guest's own CPU time swings with its neighbours (caches, frequency), not only by what
 * the hypervisor counts as steal: here the same loop has taken from 1.0 to 1.8 times its fastest
 * time within an hour. Printed beside figures measured against an absolute target, so that a
 * reader can tell a slow machine from slow code.
 *
 * @example
 * ```ts
 * speedProbe(); // → 26.4
 * ```
 */
export function speedProbe(): number {
  const started = performance.now();
  let x = 0;
  for (let i = 0; i < PROBE_STEPS; i++) x = (x + i * 7) % 1_000_003;
  const ms = performance.now() - started;
  // The result is used, so the loop cannot be optimised away.
  return x === -1 ? 0 : ms;
}

/**
 * A set of {@link speedProbe} times as the bench lines print them: the fastest and slowest, and
 * how much slower the slowest was.
 *
 * @example
 * ```ts
 * speedNote([31, 33, 52]); // → 'CPU speed probe 31 to 52 ms (slowest 1.68 x fastest)'
 * ```
 */
export function speedNote(probes: readonly number[]): string {
  if (probes.length === 0) return '';
  const fastest = Math.min(...probes);
  const slowest = Math.max(...probes);
  return (
    `CPU speed probe ${Math.round(fastest)} to ${Math.round(slowest)} ms ` +
    `(slowest ${(slowest / fastest).toFixed(2)} x fastest)`
  );
}
