/**
 * Writes docs/licences.md: the licence of every production dependency as installed, read by
 * license-checker-rseidelsohn (package.json `license`, else the licence file), one row per
 * package and version. `npm run licences`; exits 1 when a licence is not allowed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { init, type ModuleInfos } from 'license-checker-rseidelsohn';
import * as prettier from 'prettier';
import { isAllowed, type LicenceRow } from './licence-table.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs/licences.md');

const INTRO = `# Licences of the runtime dependencies

The production dependencies (package.json \`dependencies\` and everything they pull in) as
installed, one row per package and version, with the licence their package declares.
Written by \`npm run licences\` (license-checker-rseidelsohn); do not edit by hand. The unit
test \`test/scripts/licences.test.ts\` fails when a licence is outside the allow-list of
\`scripts/licence-table.ts\` (permissive licences only) or when this table no longer matches
package-lock.json: run \`npm run licences\` after changing dependencies.

## How dependencies are pinned

- \`package-lock.json\` pins the exact version and integrity hash of every package of the tree;
  \`npm ci\` installs exactly that, and the CDK bundles the Lambda functions from it.
- \`.npmrc\` sets \`save-exact=true\`: \`npm install <package>\` writes the exact version into
  package.json. The ranges already in package.json (\`^\`) are only resolved through the
  lockfile, never at install time by \`npm ci\`.
- Security advisories (\`npm audit\`) cannot be fetched from this development environment (the
  registry refuses the audit endpoint): run \`npm audit --omit=dev\` where it can be reached.

## Packages

`;

const packages: ModuleInfos = await promisify(init)({
  start: ROOT,
  production: true,
  excludePrivatePackages: true,
});

const rows: LicenceRow[] = Object.entries(packages).map(([id, info]) => {
  const at = id.lastIndexOf('@');
  const licences = [info.licenses ?? 'UNKNOWN'].flat();
  return { name: id.slice(0, at), version: id.slice(at + 1), licence: licences.join(' AND ') };
});
const table = [
  '| package | version | licence |',
  '| --- | --- | --- |',
  ...rows.map((r) => `| ${r.name} | ${r.version} | ${r.licence} |`),
].join('\n');
const options = (await prettier.resolveConfig(OUT)) ?? {};
writeFileSync(OUT, await prettier.format(`${INTRO}${table}\n`, { ...options, parser: 'markdown' }));

const refused = rows.filter((r) => !isAllowed(r.licence));
for (const r of refused) console.error(`${r.name}@${r.version}: licence ${r.licence} is not allowed`);
console.error(`${OUT}: ${rows.length} packages`);
process.exitCode = refused.length > 0 ? 1 : 0;
