import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docOperations } from '../src/docs/operations.js';
import { REST_ROUTES } from '../src/rest/router.js';
import { startServer, type TestServer } from './support/harness.js';

/**
 * The docs page and GraphiQL in a real browser (Debian's chromium, driven by playwright-core).
 * Without a browser the test is skipped, unless REQUIRE_BROWSER=1 (CI sets it): then a missing
 * browser fails the suite.
 */
function findChromium(): string | undefined {
  const named = process.env.CHROMIUM_PATH;
  if (named) return named;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = findChromium();
const required = process.env.REQUIRE_BROWSER === '1';
if (!executablePath && !required) {
  console.warn('browser.test.ts skipped: no chromium binary found (install Debian `chromium`, or set CHROMIUM_PATH)');
}

describe.skipIf(!executablePath && !required)('in a browser', () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  /** Every request the pages tried to send anywhere but the test server. */
  const outside: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error('REQUIRE_BROWSER=1 but no chromium binary was found: install Debian `chromium` or set CHROMIUM_PATH');
    t = await startServer();
    // The flags keep Chromium's own background traffic (updates, sync, metrics) from starting.
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext();
    const origin = new URL(t.url).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('/api-docs renders every operation with Scalar, offline', async () => {
    outside.length = 0;
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('pageerror', (err) => failed.push(err.message));
    await page.goto(`${t.url}/api-docs`, { waitUntil: 'load' });
    const ops = docOperations(REST_ROUTES);
    // Every operation, and the introduction: authentication, limits per plan and the error catalog.
    const want = [...ops.map((o) => o.summary), 'Authorization: Bearer wbk_live_', 'insufficient_credits', 'Enterprise', 'Idempotency-Key'];
    // innerText, not textContent: only what the page renders for a reader counts as shown.
    const shown = await page
      // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what is asserted
      .waitForFunction((w: string[]) => w.every((s) => document.body.innerText.includes(s)), want, { timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    if (!shown) {
      // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what is asserted
      const text = await page.evaluate(() => document.body.innerText);
      expect(want.filter((s) => !text.includes(s))).toEqual([]);
    }
    expect(failed).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  }, 25_000);

  it('GraphiQL shows the schema and its docs without a key', async () => {
    outside.length = 0;
    const page = await context.newPage();
    await page.goto(`${t.url}/graphql`, { waitUntil: 'load' });
    await page
      .getByRole('button', { name: /documentation explorer/i })
      .first()
      .click();
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what is asserted
    await page.waitForFunction(() => /Root Types/i.test(document.body.innerText), undefined, { timeout: 15_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what is asserted
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/Error fetching schema/i);
    expect(outside).toEqual([]);
    await page.close();
  }, 25_000);
});
