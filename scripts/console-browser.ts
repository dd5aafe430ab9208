/**
 * What the console's tests, bench and screenshots share: the console built from source into a
 * folder of their own, the local stack with the demo traffic serving it, and Debian's Chromium driven by Playwright (playwright-core: no browser
 * download; `.ci/run` installs the `chromium` package when it is missing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { START_DEFAULTS } from '../src/cli/start.ts';
import { runDemo } from '../src/cli/start-demo.ts';
import { resolveDemoOptions } from '../src/demo/traffic.ts';
import { type LocalStack, startLocalStack } from '../src/local/stack.ts';

const DAY_MS = 86_400_000;

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
    configFile: fileURLToPath(new URL('../src/console/vite.config.ts', import.meta.url)),
    build: { outDir, emptyOutDir: true },
    logLevel: 'silent',
  });
}

/** The local stack in memory with `vigil start`'s demo traffic consumed, serving the console built from source. */
export interface DemoConsole {
  stack: LocalStack;
  close(): Promise<void>;
}

/**
 * Starts it: the console built into a temporary folder, the stack in memory (its files in that
 * folder too), the demo traffic of `vigil start` (recent days: the consumer runs on the real
 * clock) sent and consumed.
 */
export async function startDemoConsole(): Promise<DemoConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-demo-'));
  await buildConsole(join(dir, 'console'));
  const stack = await startLocalStack({ cwd: dir, print: () => {}, consoleDir: join(dir, 'console') });
  const start = new Date(Date.now() - (START_DEFAULTS.days + 1) * DAY_MS).toISOString().slice(0, 10);
  await runDemo(stack, resolveDemoOptions({ ...START_DEFAULTS, start }));
  return {
    stack,
    close: async () => {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
