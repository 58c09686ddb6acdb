/**
 * The Annex C Digital Credentials API flow in a real browser: headless Chromium (Debian's
 * `chromium`, driven by playwright-core) loads the built ESM package from a page served on
 * 127.0.0.1, builds the request and verifies the answer with WebCrypto; the wallet is
 * shomei's wallet API in Node (examples/serve.mjs). A screenshot goes to test-output/.
 *
 * Run with `npm run test:browser` (it builds first). Skipped, with the reason printed,
 * where /usr/bin/chromium is absent; CI installs it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM) && existsSync(new URL('../../dist/online/index.js', import.meta.url));
if (!available) console.warn(`[browser] skipped: needs ${CHROMIUM} and a build (npm run build); CI installs Debian's chromium`);

describe.skipIf(!available)('Digital Credentials API (Annex C) in headless Chromium', () => {
  let server: { url: string; close: () => Promise<void> };
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    const { startServer } = await import('../../examples/serve.mjs' as string);
    server = await startServer({ port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds the request, lets the wallet answer, decrypts and verifies in the page, and shows the elements', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/examples/dcapi-verifier/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.');
    expect(await page.evaluate(() => typeof crypto.subtle?.importKey)).toBe('function');
    await page.click('#present');
    await page.waitForFunction(() => (window as unknown as { shomeiDemo: { last?: unknown } }).shomeiDemo.last !== undefined, undefined, { timeout: 30_000 });
    const last = (await page.evaluate(() => (window as unknown as { shomeiDemo: { last: unknown } }).shomeiDemo.last)) as {
      valid: boolean;
      documents: { docType: string; valid: boolean; elements: Record<string, Record<string, unknown>> }[];
    };
    expect(errors).toEqual([]);
    expect(last.valid).toBe(true);
    expect(last.documents[0]!.elements['org.iso.18013.5.1']).toEqual({ family_name: 'Yamada', given_name: 'Hanako', age_over_18: true });
    expect(await page.textContent('#status')).toBe('Verified: every check passed.');
    expect(await page.locator('#elements tbody tr').count()).toBe(3);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/browser-dcapi.png', fullPage: true });
    expect(existsSync('test-output/browser-dcapi.png')).toBe(true);
  }, 60_000);
});
