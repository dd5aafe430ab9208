/**
 * The import rules of docs/architecture.md (`.dependency-cruiser.cjs`, run by `npm run lint`)
 * hold for the tree, and each one refuses the arrow it forbids: every backward import below is
 * written into a scratch tree laid out like the project's and must be reported by its rule.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { forbidden } = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
};

/** The rule names reported when `files` are cruised from `baseDir`. */
async function violations(baseDir: string, files: string[]): Promise<string[]> {
  const { output } = await cruise(files, {
    baseDir,
    validate: true,
    ruleSet: { forbidden },
    doNotFollow: 'node_modules',
  });
  return (output as ICruiseResult).summary.violations.map((v) => v.rule.name);
}

describe('the import rules', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A scratch tree of two files: `from` importing `to`. */
  function tree(from: string, to: string): string {
    const dir = mkdtempSync(join(scratch, 'tree-'));
    for (const file of [from, to]) mkdirSync(join(dir, dirname(file)), { recursive: true });
    const specifier = relative(dirname(from), to).replace(/^(?!\.)/, './');
    writeFileSync(join(dir, from), `import { x } from '${specifier}';\nexport const y = x;\n`);
    writeFileSync(join(dir, to), 'export const x = 1;\n');
    return dir;
  }

  it('finds no violation in the project', async () => {
    // Act
    const found = await violations(ROOT, ['src', 'functions', 'infra', 'bench', 'scripts']);

    // Assess
    expect(found).toEqual([]);
  }, 120_000);

  it.each([
    ['src/shared/facts.ts', 'src/rules/decide.ts', 'shared-imports-only-shared'],
    ['src/shared/tables.ts', 'src/pipeline/consume.ts', 'shared-imports-only-shared'],
    ['src/shared/dynamo/alerts.ts', 'src/api/alerts.ts', 'shared-imports-only-shared'],
    ['src/rules/decide.ts', 'src/pipeline/detector.ts', 'rules-import-only-shared'],
    ['src/rules/ip/new-country.ts', 'src/cli/main.ts', 'rules-import-only-shared'],
    ['src/pipeline/consume.ts', 'src/api/score.ts', 'pipeline-and-rights-below-api'],
    ['src/rights/subject-rights.ts', 'src/local/stack.ts', 'pipeline-and-rights-below-api'],
    ['src/pipeline/detector.ts', 'src/demo/traffic.ts', 'pipeline-and-rights-below-api'],
    ['src/demo/traffic.ts', 'src/cli/main.ts', 'generators-below-entry-points'],
    ['src/api/score.ts', 'functions/score-order.ts', 'api-below-entry-points'],
    ['src/api/openapi.ts', 'src/eval/main.ts', 'api-below-entry-points'],
    ['functions/score-order.ts', 'src/local/stack.ts', 'functions-are-independent'],
    ['src/shared/ip-data/load.ts', 'src/ip-data-builder/build.ts', 'runtime-never-imports-the-builder'],
    ['src/ip-data-builder/build.ts', 'src/pipeline/enrich.ts', 'ip-data-builder-imports-only-shared'],
    ['src/pipeline/detector.ts', 'test/support/memory.ts', 'no-test-code-in-production'],
    ['src/console/api.ts', 'src/api/routes.ts', 'console-talks-http-only'],
    ['src/console/screens/queue.ts', 'src/shared/dynamo/alerts.ts', 'console-talks-http-only'],
    ['src/local/gateway.ts', 'src/console/app.ts', 'server-never-imports-the-console'],
  ])('refuses %s importing %s (%s)', async (from, to, rule) => {
    // Prepare
    const dir = tree(from, to);

    // Act
    const found = await violations(dir, [from]);

    // Assess
    expect(found).toContain(rule);
  });

  it('refuses an import cycle', async () => {
    // Prepare: two shared modules importing each other
    const dir = tree('src/shared/a.ts', 'src/shared/b.ts');
    writeFileSync(
      join(dir, 'src/shared/b.ts'),
      "import { y } from './a.ts';\nexport const x = 1;\nexport const z = y;\n",
    );

    // Act
    const found = await violations(dir, ['src/shared']);

    // Assess
    expect(found).toContain('no-circular');
  });
});
