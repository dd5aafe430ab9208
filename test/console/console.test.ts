/**
 * The analyst console end to end: the real local stack (the consumer raises alerts from events
 * sent through the stream), the console built from source and served by the gateway, and
 * Chromium driven as an analyst would: sign in, filter, open, read, dispose, watch the
 * scorecard; refused without a token or with the wrong role; every screen scanned by axe-core.
 * Every wait is for an element or a condition, never for a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { challengeOf } from '../../src/console/pkce.ts';
import type { Role } from '../../src/shared/roles.ts';
import { aFailedLogin, aLogin } from '../factories/events.ts';
import { TEST_KEY_TEXT } from '../factories/pipeline.ts';
import { axeViolations, buildConsole, launchChromium, sendEvents, serious } from './support.ts';

let dir: string;
let stack: LocalStack;
let browser: Browser;
let savedKey: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-console-e2e-'));
  savedKey = process.env.VIGIL_PSEUDONYM_KEY;
  process.env.VIGIL_PSEUDONYM_KEY = TEST_KEY_TEXT;
  await buildConsole(join(dir, 'console'));
  stack = await startLocalStack({ cwd: dir, print: () => {}, consoleDir: join(dir, 'console') });
  // A stranger guessing one account's password from one address and device, at a typist's pace
  // (BRUTE_FORCE alerts sharing the address and device), and a customer's ordinary login. Just
  // before now: the consumer runs on the real clock.
  const at = (seconds: number) => new Date(Date.now() - 300_000 + seconds * 1000).toISOString();
  await sendEvents(stack, [
    aLogin({ customerId: 'C2000001', occurredAt: at(0), ip: '81.2.69.160' }),
    ...Array.from({ length: 9 }, (_, i) =>
      aFailedLogin('bad_password', {
        customerId: 'C3000003',
        deviceId: 'd-guesser',
        occurredAt: at(10 + i * 12),
      }),
    ),
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (savedKey === undefined) delete process.env.VIGIL_PSEUDONYM_KEY;
  else process.env.VIGIL_PSEUDONYM_KEY = savedKey;
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser tab (its own session storage) signed in with the role's one-click link. */
async function signedIn(role: Role, path = '/console/'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.apiUrl}/console/#token=${stack.tokens[role]}`);
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
  if (path !== '/console/') await page.goto(`${stack.apiUrl}${path}`);
  return page;
}

/** The text of the scorecard's row of a rule, cells joined by `|`. */
async function scorecardRow(page: Page, rule: string): Promise<string> {
  const row = page.locator('table.scorecard tbody tr', { hasText: rule });
  await row.waitFor();
  return (await row.locator('th, td').allInnerTexts()).join('|');
}

describe('the analyst console', () => {
  it('signs in from the link, filters the queue, opens an alert with its evidence and timeline, disposes of it, and the scorecard counts it', async () => {
    // Prepare
    const page = await signedIn('analyst');
    expect(page.url()).not.toContain('token');
    await page.goto(`${stack.apiUrl}/console/rules`);
    expect(await scorecardRow(page, 'Brute force')).toMatch(
      /^Brute force\|\d+\|\d+\|0\|0\|0\|no verdict yet$/,
    );
    await page.goto(`${stack.apiUrl}/console/`);

    // Act: filter by reason code and minimum score, move down with j, open with Enter
    await page.getByLabel('Reason code').fill('BRUTE_FORCE');
    await page.getByLabel('Reason code').press('Tab');
    await page.waitForURL(/reason=BRUTE_FORCE/);
    await page.getByLabel('Minimum score').fill('1');
    await page.getByLabel('Minimum score').press('Tab');
    await page.waitForURL(/minScore=1/);
    const rows = page.locator('table.alerts tbody tr');
    await rows.first().waitFor();
    const listed = await rows.allInnerTexts();
    await rows.first().locator('td.score').click();
    await page.keyboard.press('j');
    const second = await rows.nth(1).locator('a').innerText();
    await page.locator('tr[aria-current="true"]', { hasText: second }).waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/alerts/${second}$`));

    // Assess: the alert, its reasons in words with their evidence, its timeline with expiry
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const row of listed) expect(row).toContain('Brute force');
    const article = page.getByRole('article');
    await article.getByRole('heading', { name: /Brute force/ }).waitFor();
    expect(await page.locator('.reasons').innerText()).toMatch(/failed logins|failures/i);
    const timeline = page.locator('table.timeline tbody tr');
    await timeline.first().waitFor();
    expect(await timeline.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('table.timeline thead').innerText()).toContain('Forgotten on');
    await page.locator('.linked', { hasText: 'other alerts' }).waitFor();

    // Act: choose the verdict with f, write a note, close the alert
    await page.keyboard.press('f');
    await page.getByLabel('Note (for the other analysts; no personal data)').fill('password attack');
    await page.getByRole('button', { name: 'Close the alert' }).click();

    // Assess: who decided and when, and the scorecard counts the verdict
    const decided = page.locator('.decided');
    await decided.waitFor();
    expect(await decided.innerText()).toMatch(/Decided fraud by local:analyst on .*password attack/s);
    await page.getByRole('link', { name: 'Rules scorecard' }).click();
    await page
      .locator('table.scorecard tbody tr', { hasText: 'Brute force' })
      .locator('td', { hasText: '100 %' })
      .waitFor();
    expect(await scorecardRow(page, 'Brute force')).toMatch(/^Brute force\|\d+\|\d+\|1\|0\|0\|100 %$/);
    await page.locator('figure.chart canvas').waitFor();
  });

  it('disposes of the selected alert from the queue with a single key', async () => {
    // Prepare
    const page = await signedIn('analyst', '/console/?status=open&reason=BRUTE_FORCE');
    const first = page.locator('table.alerts tbody tr').first();
    await first.waitFor();
    const alertId = await first.locator('a').innerText();

    // Act
    await page.keyboard.press('l');

    // Assess
    await page
      .getByRole('status')
      .filter({ hasText: `Alert ${alertId} closed as legitimate.` })
      .waitFor();
    await page.locator('table.alerts tbody tr', { hasText: alertId }).waitFor({ state: 'detached' });
  });

  it("signs in as in AWS: the user pool's pages, the code grant with PKCE (S256), the access token to the API", async () => {
    // Prepare: config.json as the stack writes it, and the user pool's endpoints played on this origin
    const context = await browser.newContext();
    const pool = `${stack.apiUrl}/test-pool`;
    const signIn = { kind: 'cognito', domain: pool, clientId: 'console-client' };
    await context.route('**/console/config.json', (route) => route.fulfill({ json: { apiUrl: '', signIn } }));
    let asked = new URLSearchParams();
    let redeemed = new URLSearchParams();
    await context.route(
      (url) => url.pathname === '/test-pool/oauth2/authorize',
      (route) => {
        asked = new URL(route.request().url()).searchParams;
        const back = new URL(asked.get('redirect_uri')!);
        back.search = new URLSearchParams({ code: 'the-code', state: asked.get('state')! }).toString();
        return route.fulfill({ status: 302, headers: { location: back.href } });
      },
    );
    await context.route(
      (url) => url.pathname === '/test-pool/oauth2/token',
      (route) => {
        redeemed = new URLSearchParams(route.request().postData() ?? '');
        return route.fulfill({ json: { access_token: stack.tokens.analyst, token_type: 'Bearer' } });
      },
    );
    const page = await context.newPage();

    // Act
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByRole('button', { name: 'Sign in with your Vigil account' }).click();
    await page.locator('table.alerts tbody tr').first().waitFor();

    // Assess
    expect(Object.fromEntries(asked)).toMatchObject({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: `${stack.apiUrl}/console/`,
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    expect(asked.get('code_challenge')).toBe(await challengeOf(redeemed.get('code_verifier') ?? ''));
    expect(Object.fromEntries(redeemed)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'the-code',
      redirect_uri: `${stack.apiUrl}/console/`,
    });
    expect(page.url()).toBe(`${stack.apiUrl}/console/`);
    await context.close();
  });

  it('pages the queue forward and back: Next page, Previous page, and the first page has neither Previous nor First', async () => {
    // Prepare
    const page = await signedIn('analyst', '/console/?limit=2');
    const rows = page.locator('table.alerts tbody tr');
    const alertIds = () => page.locator('table.alerts tbody tr td:last-child').allInnerTexts();
    await rows.first().waitFor();
    const first = await alertIds();

    // Act
    await page.getByRole('link', { name: 'Next page' }).click();
    await rows.first().filter({ hasNotText: first[0]! }).waitFor();
    const second = await alertIds();
    await page.getByRole('link', { name: 'Previous page' }).click();
    await rows.first().filter({ hasText: first[0]! }).waitFor();

    // Assess
    expect(first).toHaveLength(2);
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(await alertIds()).toEqual(first);
    expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'First page' }).count()).toBe(0);
  });

  it('shows the sign-in without a token, and refuses a wrong token and a role the API refuses', async () => {
    // Prepare
    const page = await (await browser.newContext()).newPage();

    // Act: no token
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByLabel('Access token').waitFor();
    // Act: a token the gateway does not know
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const lost = page.getByRole('alert').filter({ hasText: 'Your sign-in is not valid' });
    await lost.waitFor();
    // Act: the order flow's token, and the analyst's on the admin's audit trail
    const checkout = await signedIn('order-flow');
    const analyst = await signedIn('analyst', '/console/audit');

    // Assess
    await checkout.getByRole('alert').filter({ hasText: 'Your role may not see this screen.' }).waitFor();
    await analyst.getByRole('alert').filter({ hasText: 'Your role may not see this screen.' }).waitFor();
    expect(await checkout.locator('table.alerts').count()).toBe(0);
  });

  it("shows the admin the audit trail, filtered by analyst, with the analysts' reads and dispositions", async () => {
    // Prepare
    const page = await signedIn('admin', '/console/audit');
    await page.locator('tbody tr').first().waitFor();

    // Act
    const filtered = page.waitForResponse(
      (r) => new URL(r.url()).searchParams.get('principal') === 'local:analyst',
    );
    await page.getByLabel('Analyst').fill('local:analyst');
    await page.getByLabel('Analyst').press('Tab');
    await page.waitForURL(/analyst=local%3Aanalyst/);
    const answer = await filtered;

    // Assess: the API filtered (the console asks it by principal), and the page shows what it answered
    expect(answer.status()).toBe(200);
    const { entries } = (await answer.json()) as { entries: { principalId: string }[] };
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.principalId === 'local:analyst')).toBe(true);
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.some((r) => r.includes('alert.dispose'))).toBe(true);
    for (const row of rows) expect(row).toContain('local:analyst');
  });

  it("shows the privacy service a rights request's receipt by its id", async () => {
    // Prepare
    const answer = await fetch(`${stack.apiUrl}/v1/subjects/objections`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.tokens['privacy-service']}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ customerId: 'C2000001', scope: 'profiling' }),
    });
    const { requestId } = (await answer.json()) as { requestId: string };
    const page = await signedIn('privacy-service', '/console/privacy');

    // Act
    await page.getByLabel('Request id').fill(requestId);
    await page.getByRole('button', { name: 'Show the receipt' }).click();

    // Assess
    await page.getByText('objection', { exact: true }).waitFor();
    expect(await page.locator('main').innerText()).toContain(requestId);
  });
});

describe('accessibility (axe-core)', () => {
  const screens: [string, Role, string, string][] = [
    ['queue', 'analyst', '/console/', 'table.alerts tbody tr'],
    ['scorecard', 'analyst', '/console/rules', 'figure.chart canvas'],
    ['audit', 'admin', '/console/audit', 'tbody tr'],
    ['privacy', 'privacy-service', '/console/privacy', '#request'],
  ];

  it.each(screens)('finds no serious or critical violation on the %s', async (_name, role, path, ready) => {
    // Prepare
    const page = await signedIn(role, path);
    await page.locator(ready).first().waitFor();

    // Act
    const violations = await axeViolations(page);

    // Assess
    expect(serious(violations)).toEqual([]);
  });

  it('finds no serious or critical violation on an alert, the keyboard help and the sign-in', async () => {
    // Prepare
    const page = await signedIn('analyst');
    const link = page.locator('table.alerts tbody tr a').first();
    await link.click();
    await page.locator('table.timeline tbody tr').first().waitFor();
    const signIn = await (await browser.newContext()).newPage();
    await signIn.goto(`${stack.apiUrl}/console/`);
    await signIn.getByLabel('Access token').waitFor();

    // Act
    const alert = await axeViolations(page);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard' }).waitFor();
    const help = await axeViolations(page);
    const signInPage = await axeViolations(signIn);

    // Assess
    expect(serious(alert)).toEqual([]);
    expect(serious(help)).toEqual([]);
    expect(serious(signInPage)).toEqual([]);
  });
});
