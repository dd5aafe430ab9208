/**
 * The licences of the runtime dependencies (docs/licences.md): what is allowed, the table's
 * rows, and the production packages of package-lock.json that the table must list. Shared by
 * `npm run licences` (scripts/licences.ts), which writes the table, and the unit test that
 * checks it.
 */

/**
 * SPDX identifiers a runtime dependency may carry: permissive licences that ask for no more than
 * keeping the notice (no copyleft reaching the bundled Lambda code).
 */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set([
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'ISC',
  'MIT',
  'MIT-0',
  'Python-2.0',
  'Unlicense',
]);

/** One row of the table. */
export interface LicenceRow {
  name: string;
  version: string;
  licence: string;
}

/**
 * Whether an SPDX expression is allowed: `A OR B` when either is, `A AND B` when both are
 * (parentheses are ignored: the expressions npm packages carry are flat).
 */
export function isAllowed(expression: string): boolean {
  const flat = expression.replace(/[()]/g, ' ').trim();
  return flat
    .split(/\s+OR\s+/)
    .some((alternative) => alternative.split(/\s+AND\s+/).every((id) => ALLOWED_LICENCES.has(id.trim())));
}

/** The rows of the table in docs/licences.md. */
export function readRows(markdown: string): LicenceRow[] {
  const rows: LicenceRow[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line
      .match(/^\|(.*)\|$/)?.[1]
      ?.split('|')
      .map((cell) => cell.trim());
    if (!cells || cells.length !== 3 || cells[0] === 'package' || /^-+$/.test(cells[0]!)) continue;
    rows.push({ name: cells[0]!, version: cells[1]!, licence: cells[2]! });
  }
  return rows;
}

interface LockPackage {
  name?: string;
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

/**
 * The production packages of a package-lock.json (lockfile v2/v3) as `name@version`: `required`
 * are installed everywhere, `optional` only on some platforms (esbuild's binaries, fsevents), so
 * the table lists those installed where it was written.
 */
export function productionPackages(lock: { packages: Record<string, LockPackage> }): {
  required: Set<string>;
  optional: Set<string>;
} {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    (entry.optional ? optional : required).add(`${name}@${entry.version}`);
  }
  return { required, optional };
}
