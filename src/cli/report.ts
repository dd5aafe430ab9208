/** A count as the reports print it: 12,345. */
export const int = (n: number): string => n.toLocaleString('en');

/** One line per reason code, most frequent first (then by name), or `none`. */
export function reasonCodeLines(codes: Map<string, number>): string[] {
  const sorted = [...codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return sorted.length === 0
    ? ['  none']
    : sorted.map(([code, n]) => `  ${code.padEnd(28)}${int(n).padStart(8)}`);
}
