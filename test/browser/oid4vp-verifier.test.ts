/**
 * The OpenID4VP 1.0 verifier example (examples/oid4vp-verifier/) end to end in headless
 * Chromium (Debian's `chromium`, driven by playwright-core): the page shows the cross-device
 * request (§5.10 request_uri, x509_san_dns signed, direct_post.jwt) as a QR code and a URL; the
 * simulated wallet (wallet.mjs, shomei's wallet API) runs in a second process on that URL; the
 * page then shows "valid" and the disclosed elements. The DC API button (Appendix A) runs with
 * navigator.credentials.get stubbed by shomei's wallet answering in this process.
 *
 * Run with `npm run test:browser` (it builds first). Skipped, with the reason printed, where
 * /usr/bin/chromium or the build is absent; CI installs both.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM) && existsSync(new URL('../../dist/online/index.js', import.meta.url));
if (!available) console.warn(`[browser] skipped: needs ${CHROMIUM} and a build (npm run build); CI installs Debian's chromium`);
const WALLET = fileURLToPath(new URL('../../examples/oid4vp-verifier/wallet.mjs', import.meta.url));

interface Example {
  url: string;
  walletDir: string;
  close: () => Promise<void>;
}

describe.skipIf(!available)('OpenID4VP verifier example in headless Chromium', () => {
  let server: Example;
  let browser: import('playwright-core').Browser;
  let dcApiAnswer: (request: unknown, origin: string, dir: string) => Promise<unknown>;

  beforeAll(async () => {
    const { startServer } = await import('../../examples/oid4vp-verifier/server.mjs' as string);
    ({ dcApiAnswer } = await import('../../examples/oid4vp-verifier/wallet.mjs' as string));
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

  const claimsOf = (page: import('playwright-core').Page) =>
    page.$$eval('#claims tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.children[0]!.textContent, r.children[1]!.textContent])));

  it('cross-device: the page shows a QR code and the request URL; the wallet process answers it; the page shows "valid" and the elements', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (document.getElementById('request-url')?.textContent ?? '') !== '');
    const url = (await page.textContent('#request-url'))!;
    expect(url.startsWith('openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri=')).toBe(true);
    expect(await page.locator('#qr svg').count()).toBe(1);

    const { stdout } = await promisify(execFile)(process.execPath, [WALLET, url, '--dir', server.walletDir], { timeout: 30_000 });
    const wallet = JSON.parse(stdout) as { verifier: string; trusted: boolean; status: number };
    expect(wallet).toMatchObject({ verifier: 'x509_san_dns:localhost', trusted: true, status: 200 });

    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', undefined, { timeout: 30_000 });
    expect(await claimsOf(page)).toEqual({ family_name: 'Yamada', given_name: 'Hanako', age_over_18: 'true' });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the same request answered twice: the second answer is refused (single use)', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (document.getElementById('request-url')?.textContent ?? '') !== '');
    const url = (await page.textContent('#request-url'))!;
    await promisify(execFile)(process.execPath, [WALLET, url, '--dir', server.walletDir], { timeout: 30_000 });
    const second = await promisify(execFile)(process.execPath, [WALLET, url, '--dir', server.walletDir], { timeout: 30_000 }).then(
      () => 0,
      (e: { code?: number }) => e.code,
    );
    expect(second).toBe(1);
    await page.close();
  }, 60_000);

  it('DC API: the button calls navigator.credentials.get (stubbed with shomei’s wallet); the page shows "valid" and the elements', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.exposeFunction('shomeiWallet', (request: unknown, origin: string) => dcApiAnswer(request, origin, server.walletDir));
    await page.addInitScript(() => {
      const w = window as unknown as { shomeiWallet: (request: unknown, origin: string) => Promise<unknown> };
      Object.defineProperty(navigator.credentials, 'get', {
        value: async (options: { digital: { requests: { protocol: string; data: unknown }[] } }) => {
          const request = options.digital.requests[0]!;
          return { protocol: request.protocol, data: await w.shomeiWallet(request, location.origin) };
        },
      });
    });
    await page.goto(`${server.url}/`);
    await page.click('#dcapi');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', undefined, { timeout: 30_000 });
    expect(await claimsOf(page)).toEqual({ family_name: 'Yamada', given_name: 'Hanako', age_over_18: 'true' });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
