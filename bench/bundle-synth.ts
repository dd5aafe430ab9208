/**
 * The Lambda bundles as `cdk synth` builds them (NodejsFunction, local esbuild), and the init
 * floor bundled the same way: what the cold-start bench measures (bench/bundles.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { createVigilApp } from '../infra/vigil-app.ts';

/** One function's deployment package, as synthesised. */
export interface FunctionBundle {
  /** The function's `FunctionName`. */
  readonly name: string;
  /** Its handler file: `functions/<fn>.ts` (`score-order`, `consume-events`, …). */
  readonly fn: string;
  /** The asset directory (what is zipped and uploaded). */
  readonly dir: string;
  /** The handler module, e.g. `index.mjs`. */
  readonly entry: string;
  /** Bytes of the handler module alone. */
  readonly codeBytes: number;
  /** Bytes of the whole package (handler plus data files such as the IP data tables). */
  readonly packageBytes: number;
  /** The function's environment in the template (token values left out). */
  readonly environment: Readonly<Record<string, string>>;
}

interface TemplateFunction {
  Type: string;
  Properties: {
    FunctionName?: string;
    Handler?: string;
    Runtime?: string;
    Environment?: { Variables?: Record<string, unknown> };
  };
  Metadata?: Record<string, string>;
}

/** Vigil's own functions: bundled Node.js (the console's bucket deployment provider of aws-cdk-lib is Python). */
const isBundledFunction = (r: TemplateFunction): boolean =>
  r.Type === 'AWS::Lambda::Function' &&
  r.Metadata?.['aws:asset:path'] !== undefined &&
  (r.Properties.Runtime?.startsWith('nodejs') ?? false);

/**
 * Synthesises the Vigil app with bundling into `outdir` (with `cdk.json`'s
 * context) and returns every Lambda function's bundle.
 *
 * @example
 * ```ts
 * const bundles = synthBundles(mkdtempSync(join(tmpdir(), 'vigil-bundles-')));
 * ```
 */
export function synthBundles(outdir: string, context: Record<string, unknown> = {}): FunctionBundle[] {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { app, stack } = createVigilApp({
    // The CDK CLI turns asset metadata on; a programmatic app needs it asked for, to map functions to assets.
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true, ...context },
    outdir,
    env: {},
  });
  const assembly = app.synth();
  const prefix = `vigil-${stack.stackName.replace(/^Vigil-/, '')}-`;
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, TemplateFunction>;
  };
  return Object.values(template.Resources)
    .filter(isBundledFunction)
    .map((r) => {
      const dir = join(outdir, r.Metadata!['aws:asset:path']!);
      const module = (r.Properties.Handler ?? 'index.handler').split('.')[0]!;
      const entry = readdirSync(dir).find((f) => f === `${module}.mjs` || f === `${module}.js`);
      if (!entry) throw new Error(`bundle ${dir}: no ${module}.mjs or ${module}.js`);
      const environment = Object.fromEntries(
        Object.entries(r.Properties.Environment?.Variables ?? {}).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
      const name = r.Properties.FunctionName ?? r.Metadata!['aws:cdk:path']!;
      return {
        name,
        fn: name.startsWith(prefix) ? name.slice(prefix.length) : name,
        dir,
        entry,
        codeBytes: statSync(join(dir, entry)).size,
        packageBytes: dirBytes(dir),
        environment,
      };
    });
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

/** The `fn` of the init floor's bundle (`bench/init-floor.ts`). */
export const INIT_FLOOR = 'init-floor';

/**
 * The init floor bundled as `lambdaBundling` bundles the functions (one minified ES module for
 * Node.js 24, the SDK inside), into `outdir`.
 */
export function initFloorBundle(outdir: string): FunctionBundle {
  const dir = join(outdir, INIT_FLOOR);
  const entry = 'index.mjs';
  buildSync({
    entryPoints: [fileURLToPath(new URL('./init-floor.ts', import.meta.url))],
    outfile: join(dir, entry),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    logLevel: 'warning',
  });
  const bytes = statSync(join(dir, entry)).size;
  return {
    name: INIT_FLOOR,
    fn: INIT_FLOOR,
    dir,
    entry,
    codeBytes: bytes,
    packageBytes: bytes,
    environment: { VIGIL_STAGE: 'dev' },
  };
}
