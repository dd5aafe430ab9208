/**
 * The console's end-to-end harness: the console built from source into a folder of its own, the
 * local stack serving it, and Debian's Chromium driven by Playwright (playwright-core, no
 * downloaded browser; `.ci/run` installs the `chromium` package when it is missing).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { build } from 'vite';
import { type LocalStack } from '../../src/local/stack.ts';
import { type PutRecord, putRecordsAll } from '../../src/shared/kinesis.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing that reaches outside the machine. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });

/** Builds the console from `src/console/` into `outDir` (not the shared `dist/console/`). */
export async function buildConsole(outDir: string): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL('../../src/console/vite.config.ts', import.meta.url)),
    build: { outDir, emptyOutDir: true },
    logLevel: 'silent',
  });
}

/** Events through the stack's stream, consumed by the real consumer before this resolves. */
export async function sendEvents(stack: LocalStack, events: readonly object[]): Promise<void> {
  const records: PutRecord[] = events.map((event) => {
    const e = event as { customerId?: string; ip: string };
    return { partitionKey: e.customerId ?? e.ip, data: Buffer.from(JSON.stringify(event)) };
  });
  const sent = await putRecordsAll(stack.kinesisClient(), stack.kinesis.streamName, records);
  if (sent.failed > 0) throw new Error(`${sent.failed} records not put`);
  await stack.poller.whenIdle(60_000);
}

/** axe-core's source, injected into a page to scan it. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * The accessibility violations axe-core finds on the page as it is (WCAG 2.1 A and AA rules and
 * best practices). Evaluated through the DevTools protocol, so the page's CSP does not apply.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // Runs in the page, where axe-core is a global.
    const axe = (globalThis as unknown as { axe: { run: () => Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
}

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
}

/** Only what the tests refuse: serious and critical violations. */
export const serious = (violations: readonly AxeViolation[]): AxeViolation[] =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
