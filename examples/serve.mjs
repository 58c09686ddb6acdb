// `npm run demo:web`: serves examples/ with the built package, and a simulated wallet.
//
// The page (examples/dcapi-verifier/) is the verifier: it builds an ISO/IEC 18013-7 Annex C
// request and verifies the answer in the browser with WebCrypto. The wallet is simulated
// here, in Node, with shomei's own wallet API and a test mDL issued at start-up.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FullDate } from '../dist/cbor/index.js';
import { defaultBackend } from '../dist/crypto/index.js';
import { issueMdoc, MDL_DOCTYPE } from '../dist/mdoc/index.js';
import { createDcApiResponse, readDcApiRequest } from '../dist/online/index.js';
import { buildDocumentSigner, buildIaca } from '../dist/x509/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css' };
const ALLOWED = ['examples/', 'dist/', 'node_modules/@noble/', 'node_modules/fflate/', 'node_modules/qr/'];
const DAY = 86_400_000;

async function testWallet() {
  const backend = defaultBackend();
  const now = Date.now();
  const [iacaKey, dsKey, deviceKey] = await Promise.all([0, 1, 2].map(() => backend.generateKeyPair('P-256')));
  const pub = (k) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y });
  const iaca = await buildIaca({ country: 'JP', commonName: 'shomei example IACA', key: iacaKey, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) }, issuerAltName: { uri: 'https://iaca.example/' } });
  const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'shomei example DS', publicKey: pub(dsKey), validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) }, crlUri: 'https://iaca.example/crl' });
  const mdl = await issueMdoc({
    docType: MDL_DOCTYPE,
    deviceKey: pub(deviceKey),
    validity: { validFrom: new Date(now), validUntil: new Date(now + 30 * DAY) },
    issuer: { signer: dsKey, certificates: [ds.der] },
    nameSpaces: {
      'org.iso.18013.5.1': {
        family_name: 'Yamada',
        given_name: 'Hanako',
        birth_date: FullDate.of(1990, 4, 1),
        issuing_country: 'JP',
        document_number: 'DL-0001',
        age_over_18: true,
      },
    },
  });
  return { trust: [Buffer.from(iaca.der).toString('base64')], documents: [{ issuerSigned: mdl, deviceKey }] };
}

async function body(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 1 << 20) throw new Error('request too large');
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Start the server on 127.0.0.1:`port` (0 for any free port); resolves to { url, close }. */
export async function startServer({ port = 8080 } = {}) {
  const wallet = await testWallet();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/wallet') {
        const { data, origin } = await body(req);
        const request = await readDcApiRequest(data, origin);
        const answer = await createDcApiResponse(request, { documents: wallet.documents });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      if (url.pathname === '/trust') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(wallet.trust));
        return;
      }
      const path = normalize(decodeURIComponent(url.pathname === '/' ? '/examples/dcapi-verifier/index.html' : url.pathname)).replace(/^\/+/, '');
      const file = path.endsWith('/') ? `${path}index.html` : path;
      if (!ALLOWED.some((p) => file.startsWith(p)) || file.includes('..')) {
        res.writeHead(404).end('not found');
        return;
      }
      const content = await readFile(join(ROOT, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(content);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'content-type': 'text/plain' }).end(String(e.message ?? e));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  return { url: `http://127.0.0.1:${actual}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.env.PORT ?? 8080) });
  console.log(`shomei Digital Credentials API example: ${url}/examples/dcapi-verifier/  (Ctrl-C to stop)`);
}
