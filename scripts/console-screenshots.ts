/**
 * `npm run screenshots`: the console's screenshots in docs/console/ (shown in the README), taken
 * in Chromium over the local stack with `vigil start`'s demo traffic: the queue filtered on the
 * credential-stuffing wave, one of its alerts, and the rules scorecard after an analyst has
 * disposed of a few alerts of the wave.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, startDemoConsole } from './console-browser.ts';

const OUT = fileURLToPath(new URL('../docs/console/', import.meta.url));
const VIEWPORT = { width: 1280, height: 860 };
const WAVE = 'RESIDENTIAL_STUFFING';

/** Disposes of the first alerts of the open queue view with the keyboard, as an analyst would. */
async function disposeFirst(page: Page, verdicts: readonly string[]): Promise<void> {
  for (const key of verdicts) {
    const first = page.locator('table.alerts tbody tr').first();
    const alertId = await first.locator('a').innerText();
    await page.keyboard.press(key);
    await page.locator('table.alerts tbody tr', { hasText: alertId }).waitFor({ state: 'detached' });
  }
}

const demo = await startDemoConsole();
const browser = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  const { apiUrl, tokens } = demo.stack;
  await page.goto(`${apiUrl}/console/#token=${tokens.analyst}`);
  await page.goto(`${apiUrl}/console/?status=open&reason=${WAVE}`, { waitUntil: 'networkidle' });
  await page.locator('table.alerts tbody tr').first().waitFor();
  await disposeFirst(page, ['f', 'f', 'f', 'l']);
  await page.screenshot({ path: `${OUT}queue.png` });

  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.locator('table.timeline').waitFor();
  // Every linked entity's listing answered (a count of its other alerts, or an error).
  for (const item of await page.locator('.linked > li').all()) {
    await item.locator(':scope > .muted, [role=alert]').first().waitFor();
  }
  await page.screenshot({ path: `${OUT}alert.png`, fullPage: true });

  await page.goto(`${apiUrl}/console/rules`, { waitUntil: 'networkidle' });
  await page.getByRole('button', { name: 'Residential stuffing' }).click();
  await page.locator('figure.chart canvas').waitFor();
  await page.screenshot({ path: `${OUT}scorecard.png`, fullPage: true });
  console.log(`screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await demo.close();
}
