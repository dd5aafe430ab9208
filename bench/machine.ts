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
