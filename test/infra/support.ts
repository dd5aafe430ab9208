import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { afterAll } from 'vitest';
import { createVigilApp } from '../../infra/vigil-app.ts';

/** The context `cdk synth` runs with: the feature flags, stage and region of cdk.json. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/**
 * CDK context that skips asset bundling (`cdk synth --exclusively` uses the same key): the
 * template is the same, the consumer's code is a placeholder. Only `bundle.test.ts` bundles,
 * once, because a bundle copies 140 MB of geo data.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh `createVigilApp` with cdk.json's context (plus `context`), no AWS environment, no
 * bundling unless `bundle` is set, and a throw-away cloud assembly dir removed after the file.
 */
export function vigilApp(context: Record<string, unknown> = {}, { bundle = false } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-cdk-'));
  outdirs.push(outdir);
  const merged = { ...CDK_JSON_CONTEXT, ...(bundle ? {} : NO_BUNDLING), ...context };
  return { ...createVigilApp({ context: merged, outdir, env: {} }), outdir };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(
  stack: { getLogicalId(e: CfnResource): string },
  construct: { node: { defaultChild?: unknown } },
): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}
