/**
 * The analyst console in Chromium over the local stack with the demo traffic (issue 23):
 *
 * - the JavaScript of the queue's first load: every script the page fetched until the network
 *   was quiet, raw and gzip-compressed (what the gateway and CloudFront send);
 * - the script time of opening an alert from the queue (Enter on the selected row) until its
 *   timeline is shown: Chromium's own `ScriptDuration` (CDP `Performance.getMetrics`,
 *   https://chromedevtools.github.io/devtools-protocol/tot/Performance/), the time the main
 *   thread spent running script, not the wall clock, which waits on the API. The median of
 *   several alerts, each opened from a fresh queue.
 */
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium, startDemoConsole } from '../scripts/console-browser.ts';

/** Issue 23's budgets. */
export const CONSOLE_JS_TARGET_KB = 200;
export const OPEN_ALERT_TARGET_MS = 100;
/** Alerts opened; the median is reported. */
const OPENS = 9;

/** The scripts of the first load of the queue: their bytes raw and gzipped. */
async function firstLoadScripts(
  page: Page,
  url: string,
): Promise<{ files: number; raw: number; gzip: number }> {
  const bodies: Promise<Buffer>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') bodies.push(response.body());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.locator('table.alerts tbody tr').first().waitFor();
  const scripts = await Promise.all(bodies);
  return {
    files: scripts.length,
    raw: scripts.reduce((sum, b) => sum + b.length, 0),
    gzip: scripts.reduce((sum, b) => sum + gzipSync(b).length, 0),
  };
}

/** Script time of opening the queue's `index`-th alert with the keyboard, until its timeline shows. */
async function openAlertScriptMs(page: Page, queueUrl: string, index: number): Promise<number> {
  await page.goto(queueUrl, { waitUntil: 'networkidle' });
  const rows = page.locator('table.alerts tbody tr');
  await rows.nth(index).waitFor();
  for (let i = 0; i < index; i++) await page.keyboard.press('j');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptSeconds = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
  };
  const before = await scriptSeconds();
  await page.keyboard.press('Enter');
  await page.locator('table.timeline, article p.muted').first().waitFor();
  await page.waitForLoadState('networkidle');
  const ms = ((await scriptSeconds()) - before) * 1000;
  await cdp.detach();
  return ms;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchConsole(log: (line: string) => void): Promise<void> {
  const demo = await startDemoConsole();
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    const { apiUrl, tokens } = demo.stack;
    const queue = `${apiUrl}/console/`;
    const load = await firstLoadScripts(page, `${queue}#token=${tokens.analyst}`);
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    log(
      `queue, first load: ${load.files} script files, ${kb(load.raw)} KB raw, ${kb(load.gzip)} KB gzip ` +
        `(target <= ${CONSOLE_JS_TARGET_KB} KB compressed)`,
    );
    const times: number[] = [];
    for (let i = 0; i < OPENS; i++) times.push(await openAlertScriptMs(page, queue, i));
    log(
      `open an alert from the queue, script time: median ${median(times).toFixed(1)} ms, ` +
        `max ${Math.max(...times).toFixed(1)} ms of ${OPENS} alerts (target < ${OPEN_ALERT_TARGET_MS} ms)`,
    );
  } finally {
    await browser.close();
    await demo.close();
  }
}
