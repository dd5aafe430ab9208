/**
 * The console's end-to-end harness: events through the local stack, and axe-core in the page
 * (building the console and launching Chromium: scripts/console-browser.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { type LocalStack } from '../../src/local/stack.ts';
import { type PutRecord, putRecordsAll } from '../../src/shared/kinesis.ts';

export { buildConsole, launchChromium } from '../../scripts/console-browser.ts';

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
