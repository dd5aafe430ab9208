import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAllowed, productionPackages, readRows } from '../../scripts/licence-table.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the licences of the runtime dependencies (docs/licences.md)', () => {
  it('lists exactly the production packages of package-lock.json', () => {
    // Prepare
    const rows = readRows(read('docs/licences.md'));
    const { required, optional } = productionPackages(JSON.parse(read('package-lock.json')));

    // Act
    const listed = new Set(rows.map((r) => `${r.name}@${r.version}`));

    // Assess: `npm run licences` writes it again when this fails
    expect([...required].filter((p) => !listed.has(p))).toEqual([]);
    expect([...listed].filter((p) => !required.has(p) && !optional.has(p))).toEqual([]);
  });

  it('allows only permissive licences', () => {
    // Prepare
    const rows = readRows(read('docs/licences.md'));

    // Act
    const refused = rows.filter((r) => !isAllowed(r.licence));

    // Assess
    expect(rows.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
  });

  it.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0-or-later)', true],
    ['(MIT AND BSD-3-Clause)', true],
    ['GPL-3.0-only', false],
    ['(MIT AND GPL-3.0-only)', false],
    ['UNKNOWN', false],
    ['Custom: https://example.com/licence', false],
  ])('reads the SPDX expression %s as allowed: %s', (expression, allowed) => {
    // Act, Assess
    expect(isAllowed(expression)).toBe(allowed);
  });

  it('reads the rows of a table, not its header', () => {
    // Prepare
    const table = '| package | version | licence |\n| --- | --- | --- |\n| zod | 4.1.0 | MIT |\n';

    // Act, Assess
    expect(readRows(table)).toEqual([{ name: 'zod', version: '4.1.0', licence: 'MIT' }]);
  });
});
