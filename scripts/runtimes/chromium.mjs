// Runs the smoke in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): a page served on 127.0.0.1 imports the built ESM package (dist/) and
// @noble/* and fflate through an import map, as the examples/ page does, and runs the smoke with
// the browser's WebCrypto. Usage: node scripts/runtimes/chromium.mjs; exits 1 on failure.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ALLOWED = ['dist/', 'node_modules/@noble/', 'node_modules/fflate/', 'test/runtimes/'];
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>shomei smoke</title>
<link rel="icon" href="data:,">
<script type="importmap">
{ "imports": {
  "@noble/curves/": "/node_modules/@noble/curves/",
  "@noble/hashes/": "/node_modules/@noble/hashes/",
  "@noble/ciphers/": "/node_modules/@noble/ciphers/",
  "fflate": "/node_modules/fflate/esm/browser.js",
  "#crypto-node-backend": "/dist/crypto/node-absent.js",
  "#status-deflate": "/dist/mdoc/status/deflate.js",
  "#key-derive": "/dist/crypto/derive-noble.js"
} }
</script>
<script type="module">
  import { lib } from '/test/runtimes/esm.mjs';
  import { smoke } from '/test/runtimes/smoke.mjs';
  window.__shomeiSmoke = { done: false };
  smoke(lib, (s) => console.log('  ok  ' + s)).then(
    (r) => { window.__shomeiSmoke = { done: true, backend: r.backend }; },
    (e) => { window.__shomeiSmoke = { done: true, error: String(e && e.stack || e) }; },
  );
</script>`;

function serve() {
  const server = createServer(async (req, res) => {
    try {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname)).replace(/^\/+/, '');
      if (path === 'smoke.html') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      if (!ALLOWED.some((p) => path.startsWith(p)) || path.includes('..')) return void res.writeHead(404).end();
      const type = ['.js', '.mjs'].includes(extname(path)) ? 'text/javascript; charset=utf-8' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(await readFile(join(ROOT, path)));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export async function runInChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => console.log(m.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/smoke.html`);
    await page.waitForFunction(() => window.__shomeiSmoke?.done === true, undefined, { timeout: 120_000 });
    const state = await page.evaluate(() => window.__shomeiSmoke);
    if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);
    if (state.error !== undefined) throw new Error(state.error);
    return `${state.backend} backend, ${await browser.version()}`;
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] === import.meta.filename) {
  try {
    console.log(`SMOKE PASS chromium (${await runInChromium()})`);
  } catch (e) {
    console.log(`SMOKE FAIL chromium: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
}
